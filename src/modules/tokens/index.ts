export {
  createToken,
  listTokens,
  revokeToken,
  revokeAllTokens,
  endOwnToken,
  tokenLookupHash,
  keepTokenInUse,
  tokenErrors,
  TOKEN_PREFIX,
  type TokenInfo,
  type TokensDeps,
  type TokenOwners,
} from './tokens.service.js';
