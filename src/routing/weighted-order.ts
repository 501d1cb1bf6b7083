/** Declared order, unless some route has a weight: then the first is drawn by weight (absent: 1) and the rest keep their order. */
export function weightedOrder<R extends { weight?: number }>(routes: R[], random: () => number): R[] {
  if (routes.length < 2 || !routes.some((r) => r.weight !== undefined)) return routes;
  const weights = routes.map((r) => r.weight ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return routes;
  let draw = random() * total;
  let first = routes.length - 1;
  for (let i = 0; i < routes.length; i++) {
    draw -= weights[i];
    if (draw < 0) {
      first = i;
      break;
    }
  }
  return [routes[first], ...routes.filter((_, i) => i !== first)];
}
