import type { Hooks } from '../../src/core/hooks.js';

export declare const TEST_HOOK_VARS: Record<string, string>;
export declare function hooksFromEnv(env: Record<string, string | undefined>): Hooks;
