export { PhotopeaClient, DEFAULT_TIMEOUT_MS, wrapScript, type ExpectedResult, type MessageInbox, type PhotopeaClientOptions, type PhotopeaMessage, type PhotopeaWindow, type ScriptOptions, type ScriptResults } from './photopea-client.js';
export { PhotopeaHost, WRITE_HISTORY_STEPS, opaqueBounds, type PhotopeaHostOptions } from './photopea-host.js';
