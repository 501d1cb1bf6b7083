import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY } from '../helpers/gateway.js';
import { admin as adminCall, chat as chatCall, type Answer } from '../replicas/traffic.js';

/** An admin API call on one of the test's gateways, with the test admin key. */
export const admin = (gw: NodeGateway, method: string, path: string, body?: unknown): Promise<Answer> => adminCall(gw.url, ADMIN_KEY, method, path, body);

/** A one-line Chat request for the mock model through one of the test's gateways. */
export const chat = (gw: NodeGateway, key: string): Promise<Answer> => chatCall(gw.url, key, { model: 'mock-model', text: 'hi' });
