/** Types for what test/docs/architecture.test.ts reads from eslint.config.js. */
export declare const MODULE_DEPENDENCIES: Readonly<Record<string, readonly string[]>>;
declare const config: unknown;
export default config;
