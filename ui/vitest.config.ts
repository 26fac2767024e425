// Unit tests: `*.test.ts` beside the module they test. They import pure modules only (no DOM,
// no @tauri-apps), so they run in Node without a browser environment.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
