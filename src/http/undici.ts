/**
 * The part of undici relpack uses: EnvHttpProxyAgent and the request API on it. undici's index
 * loads every dispatcher, the mocks, the caches, fetch and WebSocket, which is about 70 ms of a
 * CLI start-up that otherwise takes 100 ms; these three modules are what the index would give us.
 */
import type { EnvHttpProxyAgent as EnvHttpProxyAgentType } from 'undici';
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgentImpl from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import api from 'undici/lib/api/index.js';

// What undici's index does once: request(), stream()… are mixed into every dispatcher.
Object.assign((DispatcherImpl as { prototype: object }).prototype, api);

export const EnvHttpProxyAgent = EnvHttpProxyAgentImpl as unknown as typeof EnvHttpProxyAgentType;
export type { Dispatcher } from 'undici';
