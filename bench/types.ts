/** One measured figure, printed next to the floor measured in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  floor?: { name: string; value: number };
  /** value / floor.value (or the inverse for throughput, as the bench says in its note). */
  ratio?: number;
  note?: string;
}

export interface Bench {
  id: string;
  description: string;
  run(): Promise<BenchResult[]>;
}
