/**
 * Hints that shared state changed, so other replicas look now instead of at
 * their next poll. Only a hint: it may be lost (Redis down, a replica
 * reconnecting), so what it says is always also found by polling the Store's
 * revision; a subscriber reads the truth from the Store, never from the hint.
 * In-process here (one replica: the hint reaches only itself); Redis
 * pub/sub for many (platform/node/redis-change-feed.ts).
 */
export interface ChangeFeed {
  /** Tells every subscriber of the topic, in every process sharing the feed. */
  publish(topic: string): Promise<void>;
  /** Calls `onChange` on each hint of the topic; returns a function that stops it. */
  subscribe(topic: string, onChange: () => void): () => void;
  /**
   * Sends a message to every listener of the topic in every process sharing
   * the feed, this one included. Like a hint it may be lost, and a message
   * sent while a listener's process is away is never heard there: for views
   * of what is happening now (the live view), never for state.
   */
  send(topic: string, message: string): Promise<void>;
  /** Calls `onMessage` with each message of the topic; returns a function that stops it. */
  listen(topic: string, onMessage: (message: string) => void): () => void;
  close(): Promise<void>;
}

/** The Store's revision moved: keys, upstreams, models, settings or an admin's credential state. */
export const REVISION_TOPIC = 'revision';

export function createLocalChangeFeed(): ChangeFeed {
  const listeners = new Map<string, Set<() => void>>();
  const messageListeners = new Map<string, Set<(message: string) => void>>();
  return {
    async publish(topic) {
      for (const onChange of listeners.get(topic) ?? []) onChange();
    },
    subscribe(topic, onChange) {
      const set = listeners.get(topic) ?? new Set();
      listeners.set(topic, set);
      // Each subscription is its own entry, even when one function subscribes twice.
      const entry = () => onChange();
      set.add(entry);
      return () => set.delete(entry);
    },
    async send(topic, message) {
      for (const onMessage of messageListeners.get(topic) ?? []) onMessage(message);
    },
    listen(topic, onMessage) {
      const set = messageListeners.get(topic) ?? new Set();
      messageListeners.set(topic, set);
      const entry = (message: string) => onMessage(message);
      set.add(entry);
      return () => set.delete(entry);
    },
    async close() {
      listeners.clear();
      messageListeners.clear();
    },
  };
}
