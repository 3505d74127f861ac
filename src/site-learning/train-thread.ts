/**
 * The worker-thread side of `trainAdapterInThread`: trains once on the examples it was started with and
 * answers the adapter, or the error's name and message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainAdapter, type TrainingExample, type TrainOptions } from './train';

export interface TrainRequest {
  examples: readonly TrainingExample[];
  generalModelVersion: string;
  options: Partial<TrainOptions>;
  /** ISO time the adapter is stamped with. */
  now: string;
}

const { examples, generalModelVersion, options, now } = workerData as TrainRequest;
try {
  parentPort!.postMessage({ adapter: trainAdapter(examples, generalModelVersion, options, new Date(now)) });
} catch (err) {
  parentPort!.postMessage({ error: { name: (err as Error).name, message: (err as Error).message } });
}
