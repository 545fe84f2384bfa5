// ESLint flat config: the book's own browser script (immunokit/static/*.js), plain ES5-style JavaScript
// that runs in any browser without a build step. `make test` runs it through tests/test_js_lint.py.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    ignores: ["node_modules/**", "_build/**", ".venv/**", "**/*.min.js"],
  },
  js.configs.recommended,
  {
    files: ["immunokit/static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2017,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    rules: {
      "no-var": "off",
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      "no-shadow": "error",
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
      "no-use-before-define": ["error", { functions: false, variables: true }],
      strict: ["error", "function"],
      curly: ["error", "multi-line"],
    },
  },
];
