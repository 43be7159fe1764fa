// Express error handling for what fails before Apollo sees a request: a body that is
// not JSON, or too large. Without it, express's default handler answers an HTML page
// with the stack trace (file paths included) whenever NODE_ENV is not 'production',
// and logs it to stderr. Mount it after the /graphql route:
//   app.use('/graphql', express.json({ limit }), expressMiddleware(apollo, …));
//   app.use(jsonBodyErrorHandler());
import type { ErrorRequestHandler } from 'express';

export function jsonBodyErrorHandler(): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean } | undefined;
    const status = e?.status ?? e?.statusCode;
    // Only client errors from body parsing (http-errors with expose: true) are answered here.
    if (!(typeof status === 'number' && status >= 400 && status < 500 && e?.expose)) {
      res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      return;
    }
    const message =
      e.type === 'entity.parse.failed' ? 'The request body is not valid JSON'
      : e.type === 'entity.too.large' ? 'The request body is too large'
      : e.type === 'encoding.unsupported' || e.type === 'charset.unsupported' ? 'Unsupported request body encoding'
      : 'Bad request';
    res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  };
}
