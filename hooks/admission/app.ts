/**
 * The admission webhook's HTTP face, served over TLS on its own port (the API server calls webhooks only
 * over HTTPS): `POST /validate` answers an AdmissionReview v1 with 200 and the decision, whatever it is;
 * a body that is not an AdmissionReview gets 400, which the API server treats as a failed call and, under
 * the install's `failurePolicy: Ignore`, lets the request through (the sync hook still validates).
 * No bearer token: the API server does not send one, and the answer reveals only what the spec's own
 * author sent (docs/admission.md). Bodies are never logged.
 */
import express from 'express';
import type { Logger } from 'pino';
import { BodyError, DEFAULT_BODY_LIMIT, readJsonBody } from '../http/body.js';
import { review, ReviewError } from './review.js';

export const ADMISSION_PATH = '/validate';

export function createAdmissionApp(deps: { logger: Logger; bodyLimitBytes?: number }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post(ADMISSION_PATH, async (req, res) => {
    try {
      const answer = review(await readJsonBody(req, deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT));
      if (!answer.response.allowed) {
        deps.logger.info(
          { uid: answer.response.uid, reason: answer.response.status?.message },
          'admission refused',
        );
      }
      res.json(answer);
    } catch (err) {
      const status = err instanceof BodyError && err.failure === 'too-large' ? 413 : 400;
      if (err instanceof ReviewError || err instanceof BodyError) {
        res.status(status).json({ error: err.message });
        return;
      }
      deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'admission review failed');
      res.status(500).json({ error: 'internal error' });
    }
  });
  app.use((req, res) => {
    res.status(404).json({ error: `no route ${req.method} ${req.path}` });
  });
  return app;
}
