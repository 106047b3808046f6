export { signIn } from './sign-in.service.js';
export {
  signOut,
  changeOwnPassword,
  issueSetupLink,
  completeSetup,
  type AuthCtx,
  type SignedIn,
} from './auth.service.js';
export { authErrors } from './auth.errors.js';
export { principalOfSession, principalOfToken, type PrincipalDeps } from './principal.service.js';
