import { webRequestIO, type RequestIO } from '../../gateway/request-io.js';
import { requestScope } from './request-scope.js';

/**
 * RequestIO on Workers: the Web version, with two differences. A client
 * that leaves aborts `request.signal` (the `enable_request_signal` flag),
 * whose listeners run outside the request's scope: the callback is run back
 * inside it, so the usage row it writes is kept alive by that request's
 * `waitUntil`. The client's address is the one Cloudflare's edge puts in
 * `cf-connecting-ip`, which a client cannot set (the edge overwrites it).
 */
export const workersRequestIO: RequestIO = {
  readBody: webRequestIO.readBody,
  readBytes: webRequestIO.readBytes,
  onClientGone(c, gone) {
    const scope = requestScope.getStore();
    webRequestIO.onClientGone(c, scope ? () => requestScope.run(scope, gone) : gone);
  },
  clientAddress: (c) => c.req.header('cf-connecting-ip') ?? undefined,
};
