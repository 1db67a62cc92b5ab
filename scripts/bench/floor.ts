/**
 * The floor server: the least any hook server must do per request. Express 5 with its JSON body parser
 * at the service's body limit (the service itself reads bodies with its own bounded reader,
 * hooks/http/body.ts, which does the same work: collect, decode, JSON.parse), answering every POST with
 * a precomputed response of the same bytes. The hook server's throughput as a fraction of this one is the benchmark's main figure.
 */
import express from 'express';
import { DEFAULT_BODY_LIMIT } from '../../hooks/server';

export interface FloorOptions {
  /** The exact response body, computed once by the real hook for the same request. */
  response: string;
  bodyLimitBytes?: number;
}

export function createFloorApp(o: FloorOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post(
    '/:controller/:hook',
    express.json({ limit: o.bodyLimitBytes ?? DEFAULT_BODY_LIMIT, strict: true }),
    (_req, res) => {
      res.status(200).type('application/json').send(o.response);
    },
  );
  return app;
}
