// Preload (STYLE.md item 4): exposes one frozen, typed client and nothing else. Bundled to CommonJS
// because sandboxed preloads cannot be ES modules.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('hoist', Object.freeze({ version: 1 }));
