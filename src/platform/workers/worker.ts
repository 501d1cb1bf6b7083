import { encodeError, GatewayError } from '../../protocols/errors.js';
import type { ExecutionContext, ScheduledController, WorkerEnv } from './bindings.js';
import { WorkerConfigError } from './config.js';
import { openWorkerGateway, type WorkerGateway } from './gateway.js';
import { requestScope } from './request-scope.js';
import { upgradeResponsesSocket } from './responses-socket.js';

/**
 * The Workers entry: the same HTTP app as on Node, one gateway per isolate,
 * built on the first request and kept while the isolate lives. Requests and
 * cron events run inside `requestScope`, so work the core defers is kept
 * alive by their `waitUntil`.
 */
export { CounterBucket } from './counters-object.js';

let opening: Promise<WorkerGateway> | undefined;

/** The isolate's gateway; a failed start is forgotten, so the next request tries again. */
function gatewayOf(env: WorkerEnv): Promise<WorkerGateway> {
  opening ??= openWorkerGateway(env).catch((err: unknown) => {
    opening = undefined;
    throw err;
  });
  return opening;
}

export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    return requestScope.run(ctx, async () => {
      let opened: WorkerGateway;
      try {
        opened = await gatewayOf(env);
      } catch (err) {
        return cannotStart(err);
      }
      opened.jobs.runDue(Date.now(), (work) => ctx.waitUntil(work));
      const fetch = async (r: Request) => opened.gateway.fetch(r, env);
      if (request.headers.get('upgrade')?.toLowerCase() === 'websocket')
        return upgradeResponsesSocket(request, { fetch, ctx, maxBodyBytes: opened.maxBodyBytes, runtime: opened.runtime });
      return fetch(request);
    });
  },

  scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    return requestScope.run(ctx, async () => {
      const { jobs } = await gatewayOf(env);
      const due = jobs.forCron(controller.cron);
      const results = await Promise.allSettled(due.map((job) => job.run()));
      results.forEach((result, i) => {
        if (result.status === 'rejected') console.log(`job ${due[i]!.name} failed: ${String(result.reason)}`);
      });
    });
  },
};

/** The answer to every request while the Worker cannot start (a bad config, a missing binding), in OpenAI's error shape. */
function cannotStart(err: unknown): Response {
  const problems = err instanceof WorkerConfigError ? err.problems : [String((err as Error)?.message ?? err)];
  console.log(`switchboard cannot start: ${problems.join('; ')}`);
  const { status, body } = encodeError('openai', new GatewayError('SB_ERR_INTERNAL', `the gateway cannot start: ${problems.join('; ')}`));
  return Response.json(body, { status });
}
