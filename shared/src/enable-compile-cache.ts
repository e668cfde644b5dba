// Imported for its effect, first in every server.ts: the module compile cache (compile-cache.ts).
import { enableCompileCache } from './compile-cache';

export const compileCacheDirectory = enableCompileCache();
