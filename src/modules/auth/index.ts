export { signIn, signOut, changeOwnPassword, issueSetupLink, completeSetup, type AuthDeps, type SignedIn } from './auth.service.js';
export { authErrors } from './auth.errors.js';
