import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../harness.js';
import { oidc, oidcScene, signInAtApp } from '../oidc/rp.js';

describe('OpenID Provider', () => {
  it('smoke: code flow with PKCE through the console session', async () => {
    const t = await buildTestApp();
    const { config, browser, member } = await oidcScene(t);
    const { tokens } = await signInAtApp(t, config, browser);
    const claims = tokens.claims();
    expect(claims?.sub).toBe(member.id);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, member.id);
    expect(info.email).toBe(member.email);
  });
});
