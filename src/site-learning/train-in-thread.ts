/**
 * Site training off the calling thread (see train-thread.ts for the thread's side).
 */
import { startThread } from '../infra/thread';
import { InsufficientLabelsError, type TrainedAdapter, type TrainingExample, type TrainOptions } from './train';
import type { TrainRequest } from './train-thread';

/**
 * `trainAdapter` on a worker thread of its own, with the same result. Training holds a CPU for seconds
 * (here 1.2 s for 240 labels, 5.3 s for 10,000): on the calling thread it would stall every comment a
 * worker process is judging, BullMQ's lock renewals and any HTTP request the process serves.
 */
export function trainAdapterInThread(examples: readonly TrainingExample[], generalModelVersion: string, options: Partial<TrainOptions> = {}, now = new Date()): Promise<TrainedAdapter> {
  // Posting the request copies it (structured clone): no copy of the examples is needed here.
  const request: TrainRequest = { examples, generalModelVersion, options, now: now.toISOString() };
  const thread = startThread(__dirname, 'train-thread', request);
  return new Promise<TrainedAdapter>((resolve, reject) => {
    thread.once('message', (answer: { adapter: TrainedAdapter } | { error: { name: string; message: string } }) => {
      if ('adapter' in answer) resolve(answer.adapter);
      else reject(answer.error.name === 'InsufficientLabelsError' ? new InsufficientLabelsError(answer.error.message) : new Error(`site training failed: ${answer.error.message}`));
    });
    thread.once('error', reject);
    // After an answer this changes nothing; without one (the thread died), it is the error.
    thread.once('exit', (code) => reject(new Error(`the training thread exited (code ${code}) without an answer`)));
  });
}
