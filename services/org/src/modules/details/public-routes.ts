import type { FastifyInstance } from 'fastify';

// Routes readable without login (the convenience desk a QR code opens).
export default async function publicRoutes(app: FastifyInstance) {
  void app;
}
