import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { CopyField } from '../../../components/CopyField';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { SelectField, TextField } from '../../../components/TextField';
import { useRotateSecret, useUpdateApp, type AppChanges, type RegisteredApp } from '../api';
import { AllowedRolesField, AppUriFields, ROLES } from './AppFields';
import { lines, redirectUriProblem } from './redirect-check';

const ALGS = ['ES256', 'RS256'] as const;

/**
 * Edit a registered app (PATCH /api/v1/apps/{id}): name, redirect and sign-out URIs, back-channel
 * logout URI, roles allowed, own app or not (consent), ID token algorithm; and, for web and service
 * apps, a new client secret, shown this once, the old one working for the overlap chosen.
 * The type is fixed at creation (it decides the client's authentication), so it is not offered.
 */
export function EditAppForm({ app, onDone }: { app: RegisteredApp; onDone: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateApp();
  const rotate = useRotateSecret();
  const [name, setName] = useState(app.name);
  const [redirects, setRedirects] = useState(app.redirectUris.join('\n'));
  const [postLogout, setPostLogout] = useState(app.postLogoutRedirectUris.join('\n'));
  const [backchannel, setBackchannel] = useState(app.backchannelLogoutUri ?? '');
  const [roles, setRoles] = useState<string[]>(app.allowedRoles);
  const [firstParty, setFirstParty] = useState(app.firstParty);
  const [alg, setAlg] = useState<(typeof ALGS)[number]>(app.idTokenAlg);
  const [overlapHours, setOverlapHours] = useState('24');
  const [secret, setSecret] = useState<string | null>(null);
  const interactive = app.type !== 'service';
  const bad = lines(redirects).filter((uri) => redirectUriProblem(uri, app.type));
  const overlap = Number(overlapHours);
  const overlapValid = /^\d+$/.test(overlapHours) && overlap <= 720;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const changes: AppChanges = {
      name,
      allowedRoles: ROLES.filter((r) => roles.includes(r)),
      firstParty,
      idTokenAlg: alg,
      ...(interactive && {
        redirectUris: lines(redirects),
        postLogoutRedirectUris: lines(postLogout),
        backchannelLogoutUri: backchannel.trim() || null,
      }),
    };
    update.mutate({ id: app.id, changes });
  };

  return (
    <div className="stack">
      <form className="stack" onSubmit={submit} aria-label={t('oidc.apps.edit.title', { name: app.name })}>
        <TextField
          label={t('oidc.apps.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
        />
        {interactive ? (
          <AppUriFields
            redirects={redirects}
            onRedirects={setRedirects}
            badRedirect={bad[0]}
            postLogout={postLogout}
            onPostLogout={setPostLogout}
            backchannel={backchannel}
            onBackchannel={setBackchannel}
          />
        ) : null}
        <AllowedRolesField roles={roles} onChange={setRoles} showEmptyError />
        <label className="checkbox">
          <input type="checkbox" checked={firstParty} onChange={(e) => setFirstParty(e.target.checked)} />{' '}
          {t('oidc.apps.firstParty')}
        </label>
        <SelectField
          label={t('oidc.apps.edit.signingAlg')}
          value={alg}
          onChange={(e) => setAlg(e.target.value as (typeof ALGS)[number])}
          options={ALGS.map((value) => ({ value, label: t(`oidc.apps.edit.signingAlgs.${value}`) }))}
        />
        {update.isError ? <ErrorMessage error={update.error} /> : null}
        {update.isSuccess ? (
          <p role="status">{t('oidc.apps.edit.saved', { name: update.data.name })}</p>
        ) : null}
        <div className="form-actions">
          <Button type="button" variant="secondary" onClick={onDone}>
            {t('oidc.apps.done')}
          </Button>
          <Button
            type="submit"
            variant="primary"
            loading={update.isPending}
            disabled={bad.length > 0 || roles.length === 0}
          >
            {t('oidc.apps.edit.save')}
          </Button>
        </div>
      </form>
      {app.hasSecret ? (
        <section className="stack" aria-label={t('oidc.apps.edit.secretTitle')}>
          <h3>{t('oidc.apps.edit.secretTitle')}</h3>
          <p className="muted">{t('oidc.apps.edit.secretDescription')}</p>
          {secret ? (
            <>
              <CopyField label={t('oidc.apps.clientSecret')} value={secret} monospace />
              <p>{t('oidc.apps.secretOnce')}</p>
            </>
          ) : (
            <>
              <TextField
                label={t('oidc.apps.edit.overlapHours')}
                type="number"
                min={0}
                max={720}
                value={overlapHours}
                onChange={(e) => setOverlapHours(e.target.value)}
              />
              {rotate.isError ? <ErrorMessage error={rotate.error} /> : null}
              <div className="form-actions">
                <Button
                  variant="secondary"
                  loading={rotate.isPending}
                  disabled={!overlapValid}
                  onClick={() =>
                    rotate.mutate(
                      { id: app.id, overlapHours: overlap },
                      { onSuccess: ({ clientSecret }) => setSecret(clientSecret) },
                    )
                  }
                >
                  {t('oidc.apps.edit.rotate')}
                </Button>
              </div>
            </>
          )}
        </section>
      ) : null}
    </div>
  );
}
