import type { FastifyInstance } from 'fastify';
import { publicDeskRoutes } from './desks';

// Routes readable without login (the convenience desk a QR code opens). This plugin is registered
// beside, not inside, the authenticated details plugin, so no onRequest authenticate hook reaches it.
export default async function publicRoutes(app: FastifyInstance) {
  publicDeskRoutes(app);
}
