import { DEFAULT_LOCAL_SERVER_URL } from '../../src/runtime/remote/default-server.js';
import type { ComputeSettings } from './panel-state.js';

/** This page runs the models, and a server, when chosen, is a local `tessera serve` at its default port. */
export const DEFAULT_COMPUTE: ComputeSettings = { where: 'local', serverUrl: DEFAULT_LOCAL_SERVER_URL, token: '' };

/**
 * Saved Compute values made safe, one field at a time. `localAvailable` false (Photoshop's
 * panel: no WebGPU, no model store) always picks the server.
 */
export function restoreCompute(raw: unknown, { localAvailable = true }: { localAvailable?: boolean } = {}): ComputeSettings {
  const c = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const where = c.where === 'server' || !localAvailable ? 'server' : 'local';
  return {
    where,
    serverUrl: typeof c.serverUrl === 'string' && c.serverUrl.trim() !== '' ? c.serverUrl.trim() : DEFAULT_COMPUTE.serverUrl,
    token: typeof c.token === 'string' ? c.token : DEFAULT_COMPUTE.token,
  };
}
