// Flat ESLint config: typescript-eslint recommended + Nx module boundaries.
// Dependencies point inward: kernel ← design ← api (tags in each project.json).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Imports that would tie the kernel to a framework, a database, a queue or a transport. */
const KERNEL_BANNED_IMPORTS = [
  '@nestjs/*',
  'typeorm',
  'typeorm/*',
  'bullmq',
  'socket.io',
  'socket.io-*',
  'pg',
  'pg-*',
  'next',
  'next/*',
];

export default tseslint.config(
  {
    ignores: [
      'apps/web/out/**',
      'apps/web/.next/**',
      'apps/web/next-env.d.ts',
      '**/node_modules/**',
      '**/dist/**',
      '.data/**',
      '.nx/**',
      'coverage/**',
      '**/.next/**',
      'e2e/artifacts/**',
      'bench/results/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'scope:kernel',
              onlyDependOnLibsWithTags: ['scope:kernel'],
              bannedExternalImports: KERNEL_BANNED_IMPORTS,
            },
            { sourceTag: 'scope:design', onlyDependOnLibsWithTags: ['scope:design', 'scope:kernel'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:design', 'scope:kernel', 'scope:contracts'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:contracts'] },
            { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:contracts'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Node scripts (CommonJS and ESM) run outside TypeScript.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The kernel is pure: no framework, database, queue or transport (also checked by bannedExternalImports).
    files: ['libs/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: KERNEL_BANNED_IMPORTS,
              message: 'libs/kernel must not depend on frameworks, databases, queues or transports.',
            },
          ],
        },
      ],
    },
  },
  {
    // Determinism: time and randomness come from the injected Clock / IdGenerator (tests may use anything).
    files: ['libs/kernel/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected Clock (clock.now()).' },
        { object: 'Math', property: 'random', message: 'Use the injected IdGenerator or an explicit seed.' },
        { object: 'crypto', property: 'randomUUID', message: 'Use the injected IdGenerator.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use the injected Clock: new Date(clock.now()).',
        },
        { selector: "ImportSpecifier[imported.name='randomUUID']", message: 'Use the injected IdGenerator.' },
      ],
    },
  },
);
