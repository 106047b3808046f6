export {
  createToken,
  listTokens,
  revokeToken,
  revokeAllTokens,
  tokenLookupHash,
  keepTokenInUse,
  tokenErrors,
  TOKEN_PREFIX,
  type TokenInfo,
  type TokensDeps,
} from './tokens.service.js';
