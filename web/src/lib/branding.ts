/**
 * The organization's name and logo on the signed-out pages (issue 14): `GET /api/v1/branding`, public
 * and the same for everyone. The server answers `no-cache` with an ETag, so the browser revalidates
 * cheaply and a logo changed in Settings shows at the next page load.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, type ResponseOf } from './api';

export type Branding = ResponseOf<'/api/v1/branding', 'get'>;

export const brandingQuery = queryOptions({
  queryKey: ['branding'],
  queryFn: () => call(api.GET('/api/v1/branding')),
  staleTime: 60_000,
});

export function useBranding() {
  return useQuery(brandingQuery);
}

/** The document title of a signed-out page: "Sign in · Acme", or "Sign in · Gatehouse" until the name is known. */
export function useBrandedTitle(title: string, organizationName: string | undefined): void {
  const { t } = useTranslation();
  const text = organizationName
    ? t('branding.pageTitle', { title, organization: organizationName })
    : t('common.pageTitle', { title });
  useEffect(() => {
    document.title = text;
  }, [text]);
}
