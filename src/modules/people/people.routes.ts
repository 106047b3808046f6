import { actorOf } from '../../http/context.js';
import type { ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, errorResponses } from '../../http/schemas.js';
import { REAUTHENTICATION_MS } from '../../http/types.js';
import { bulkPeople } from './bulk-people.js';
import { listPeople } from './list-people.js';
import type { PeopleCtx } from './people.context.js';
import { BulkPeopleBody, BulkPeopleResponse, ListPeopleQuery, PeoplePage } from './people.schemas.js';

/** Manage users' list of people (users and invited people) and its bulk actions: admin only. */
export function registerPeopleRoutes(app: ApiApp, deps: PeopleCtx): void {
  const admin = { access: 'admin' } as const;
  const tags = ['users'];

  app.get('/api/v1/people', {
    config: admin,
    schema: {
      tags,
      summary: 'Users and pending invitations in one list: search, filter, sort, keyset pages',
      querystring: ListPeopleQuery,
      response: { 200: PeoplePage, ...errorResponses(400, 401, 403) },
    },
    handler: (request) => listPeople(deps, request.query),
  });

  app.post('/api/v1/people/bulk', {
    config: admin,
    schema: {
      tags,
      summary:
        'Resend or revoke invitations, change the role of or deactivate users: up to 500, each item on its own',
      body: BulkPeopleBody,
      response: { 200: BulkPeopleResponse, ...errorResponses(...AUTHED_ERRORS, 413) },
    },
    handler: (request) => {
      // Token requests carry no session: they have no step-up to prove (as the access guard treats them).
      const state = request.sessionState;
      const recent = !state || state.now - state.authenticatedAt <= REAUTHENTICATION_MS;
      return bulkPeople(deps, actorOf(request), request.body, recent);
    },
  });
}
