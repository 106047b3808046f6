export {
  createToken,
  listTokens,
  revokeToken,
  revokeAllTokens,
  authenticateToken,
  tokenErrors,
  TOKEN_PREFIX,
  type TokenInfo,
  type TokensDeps,
} from './tokens.service.js';
