// Lint config. The import zones keep the house standing: arrows only point inward, toward core/ (see ARCHITECTURE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const zone = (target, from, message) => ({
  target: `./src/${target}`,
  from: from.map((f) => `./src/${f}`),
  message,
});
const all = [
  'core',
  'k8s',
  'image',
  'inventory',
  'vulndb',
  'detect',
  'signing',
  'checks',
  'policy',
  'admission',
  'scan',
  'report',
  'cli',
  'server',
  'store',
  'scorecard',
  'dashboard',
];
const except = (...keep) => all.filter((f) => !keep.includes(f));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'web/vendor/**',
      'bench/.data/**',
      '.cache/**',
      '.kubeward/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('core', except('core'), 'core/ imports Node builtins only'),
            zone('k8s', except('core', 'k8s'), 'k8s/ may import core/ only'),
            zone('checks', except('core', 'k8s', 'checks'), 'checks/ may import core/ and k8s/ only'),
            zone('report', except('core', 'report'), 'report/ may import core/ only'),
            zone('image', except('core', 'image'), 'image/ may import core/ only'),
            zone(
              'inventory',
              except('core', 'image', 'inventory'),
              'inventory/ may import core/ and image/ only',
            ),
            zone('vulndb', except('core', 'vulndb'), 'vulndb/ may import core/ only'),
            zone('store', except('core', 'store'), 'store/ may import core/ only'),
            zone(
              'scorecard',
              except('core', 'report', 'store', 'scorecard'),
              'scorecard/ may import core/, report/ and store/ only',
            ),
            zone(
              'dashboard',
              except('core', 'report', 'store', 'scorecard', 'scan', 'dashboard'),
              'dashboard/ may import core/, report/, store/, scorecard/ and scan/ only',
            ),
            zone(
              'admission',
              except('core', 'k8s', 'checks', 'signing', 'policy', 'admission'),
              'admission/ is pure: core, k8s, checks, signing, policy',
            ),
            zone(
              'runtime',
              except('core', 'checks', 'runtime'),
              'runtime/ may import core/ and checks/ only',
            ),
            zone('scan', ['cli', 'server'], 'scan/ must not import cli/ or server/'),
            zone('serve', ['cli'], 'serve/ must not import cli/'),
          ],
        },
      ],
    },
  },
);
