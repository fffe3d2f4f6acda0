// ESLint flat config (`npm run lint`): the recommended rules of ESLint and typescript-eslint.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", ".pulumi-demo/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: "readonly", module: "writable", exports: "writable", process: "readonly", __dirname: "readonly", console: "readonly" } },
    rules: {
      // `import shim = require("./shims/…")`: each resource names its provider by the shim module, whose
      // lazy provider (resources/lazyProvider.ts) is the one place that loads a module inline.
      "@typescript-eslint/no-require-imports": "off",
      // `_name` marks a deliberately unused binding (destructuring that drops fields).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
);
