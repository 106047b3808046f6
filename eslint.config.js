// ESLint flat config: typescript-eslint's recommended rules plus the module import directions of
// docs/adr/0001-module-layering.md, enforced with import-x/no-restricted-paths (see docs/ARCHITECTURE.md).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;
const src = (...parts) => join(root, 'src', ...parts);

/**
 * Which other modules each module may use (always through that module's index.ts). Leaf modules
 * first. A module folder missing from this map is treated as a leaf until it is added here.
 */
export const MODULE_DEPENDENCIES = {
  audit: [],
  sessions: [],
  // The policy (choosePassword), the hasher and the reset-token store.
  passwords: [],
  mail: [],
  throttle: [],
  // A leaf apart from the log and mail, so users can revoke tokens when deactivating or resetting.
  tokens: ['audit', 'mail'],
  // Organization settings: its changes are audited.
  settings: ['audit'],
  users: ['audit', 'sessions', 'passwords', 'mail', 'throttle', 'tokens'],
  // Every way back into an account: Forgot password, reset links (self, admin-sent, lockout), the
  // admin's reset with a temporary password.
  recovery: ['users', 'passwords', 'mail', 'audit', 'sessions', 'throttle', 'tokens'],
  // Sign-in's lockout notice carries recovery's reset link.
  auth: ['users', 'recovery', 'sessions', 'passwords', 'audit', 'mail', 'throttle', 'tokens', 'mfa'],
  // Accepting an invitation creates the user and signs them in: it needs the session and policy leaves;
  // members' invitations are rate-limited per inviter (throttle).
  invitations: ['users', 'mail', 'audit', 'sessions', 'passwords', 'throttle'],
  // Two-step verification: factors, recovery codes, the per-role policy (settings), Reset access
  // (ends sessions and tokens, mails, audits). Sign-in (auth) calls it for the second step.
  mfa: ['users', 'sessions', 'audit', 'mail', 'throttle', 'tokens', 'settings', 'passwords'],
  // Manage users' one list of users and invited people, and its bulk actions (through each one's use cases).
  people: ['users', 'invitations', 'throttle'],
  // The OpenID Provider: accounts' claims from users, its changes audited.
  oidc: ['users', 'audit'],
};

const subdirectories = (dir) => {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
};
const modules = [...new Set([...Object.keys(MODULE_DEPENDENCIES), ...subdirectories(src('modules'))])];
const layers = subdirectories(src()).filter((name) => name !== 'modules');

/**
 * A zone that lets files under `target` import, from src/, only what matches `allowed`.
 * Every exception must be a glob (the rule's requirement), hence `index.{ts,js}` for one file.
 */
const onlyFrom = (target, allowed, message) => ({
  target: src(target),
  from: src('**', '*'),
  except: allowed.map((glob) => src(glob)),
  message,
});

const zones = [
  onlyFrom('shared', ['shared/**'], 'src/shared is framework-free and imports nothing else from src.'),
  onlyFrom('config', ['config/**', 'shared/**'], 'src/config imports only src/shared.'),
  onlyFrom(
    'db',
    ['db/**', 'config/**', 'shared/**', 'modules/*/*.table.ts'],
    'src/db imports config types, shared, and the modules’ *.table.ts row types only.',
  ),
  onlyFrom(
    'http',
    ['http/**', 'shared/**', 'config/**', 'modules/users/index.{ts,js}'],
    'src/http imports shared, config, and (types only) the users module’s index.',
  ),
  ...modules.map((name) =>
    onlyFrom(
      join('modules', name),
      [
        `modules/${name}/**`,
        'shared/**',
        'config/**',
        'db/**',
        'http/**',
        ...(MODULE_DEPENDENCIES[name] ?? []).flatMap((dep) => [
          `modules/${dep}/index.{ts,js}`,
          // Row types only: a table file naming another module's column type (e.g. Role) takes it from
          // that module's table file, so src/db/database.ts never reaches a module's index (no circle).
          `modules/${dep}/*.table.{ts,js}`,
        ]),
      ],
      `Module "${name}" may use only ${
        (MODULE_DEPENDENCIES[name] ?? []).join(', ') || 'no other module'
      }, and only through its index.ts (docs/adr/0001-module-layering.md).`,
    ),
  ),
  {
    target: src('cli'),
    from: src('modules', '**', '*'),
    except: [src('modules', '*', 'index.{ts,js}')],
    message: 'The CLI calls module services through their index.ts, never routes or stores.',
  },
  {
    // The composition root (src/app) and the CLI are imported by nothing else in src/.
    target: layers
      .filter((name) => name !== 'app' && name !== 'cli')
      .map((name) => src(name))
      .concat(src('modules')),
    from: [src('app'), src('cli')],
    message: 'Nothing in src/ imports src/app or src/cli (only src/cli may import src/app).',
  },
  {
    target: src('app'),
    from: src('cli'),
    message: 'src/app must not import src/cli.',
  },
];

/*
 * The console: features never import each other; shared pieces (components, lib) import no feature
 * or page. Console imports are relative, so the rule is written on the import paths.
 */
const webFeatures = readdirSync(join(root, 'web/src/features'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const webBoundaries = [
  ...webFeatures.map((feature) => ({
    files: [`web/src/features/${feature}/**/*.{ts,tsx}`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: webFeatures
                .filter((other) => other !== feature)
                .flatMap((other) => [
                  `**/features/${other}`,
                  `**/features/${other}/**`,
                  `../../${other}`,
                  `../../${other}/**`,
                  `../${other}`,
                  `../${other}/**`,
                ]),
              message:
                'A console feature must not import another feature; move shared code to components/ or lib/.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['web/src/components/**/*.{ts,tsx}', 'web/src/lib/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/features', '**/features/**', '**/app', '**/app/**'],
              message: 'components/ and lib/ are shared: they must not import features or pages.',
            },
          ],
        },
      ],
    },
  },
];

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'data/',
      'coverage/',
      'tmp/',
      'test-results/',
      'web/dist/',
      'bench/peers/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      // Node globals for the plain .js/.mjs files (TypeScript files are checked by tsc instead of no-undef).
      globals: Object.fromEntries(
        ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setImmediate'].map((name) => [
          name,
          'readonly',
        ]),
      ),
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        // Sources import `./x.js` and the file on disk is `x.ts` (NodeNext resolution).
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] },
        }),
      ],
    },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      'no-throw-literal': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-duplicates': 'error',
      'import-x/no-self-import': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
      'no-console': 'error',
    },
  },
  {
    // The zones say which files src/db and src/http may reach; these say they may take only types from there.
    files: ['src/db/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/modules/**', '**/config/**'],
              allowTypeImports: true,
              message: 'src/db takes only types from modules (*.table.ts) and config: use `import type`.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/http/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/modules/**'],
              allowTypeImports: true,
              message: 'src/http takes only types from modules (e.g. Principal): use `import type`.',
            },
          ],
        },
      ],
    },
  },
  {
    // Services, stores and row types know nothing of HTTP (DESIGN.md: module anatomy).
    files: ['src/modules/**/*.service.ts', 'src/modules/**/*.store.ts', 'src/modules/**/*.table.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'fastify', message: 'Services and stores never import Fastify.' }],
          patterns: [
            {
              group: ['@fastify/*', 'fastify-*', '**/http/**', '*.routes.js', '**/*.routes.js'],
              message:
                'Services and stores never import HTTP code; routes call services, not the other way round.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fastify', '@fastify/*', 'kysely', 'pg', 'better-sqlite3', 'zod'],
              message: 'src/shared is framework-free.',
            },
          ],
        },
      ],
    },
  },
  ...webBoundaries,
);
