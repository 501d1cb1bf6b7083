import type { ChangeFeed } from '../../store/change-feed.js';
import type { RedisPort } from '../../store/redis-port.js';
import { closeRedis, connectRedis } from './redis.js';

const PUBLISH = `return redis.call('PUBLISH', KEYS[1], ARGV[1])`;

export interface RedisChangeFeedOptions {
  /** The gateway's key prefix (`counters.prefix`): gateways sharing one Redis hear only their own hints. */
  prefix: string;
  /** A connection to publish on (the counters'); a subscribing connection can do nothing else. */
  publisher: RedisPort;
  log: (message: string) => void;
}

/**
 * The change feed over Redis pub/sub, channel `{prefix}:changes:<topic>`.
 * Subscribes on a connection of its own, which ioredis re-subscribes after a
 * reconnection; hints published while it was away are lost, so every topic's
 * subscribers are called once when it is back (they read the truth from the
 * Store anyway).
 */
export async function openRedisChangeFeed(url: string, options: RedisChangeFeedOptions): Promise<ChangeFeed> {
  const channelOf = (topic: string) => `{${options.prefix}}:changes:${topic}`;
  const listeners = new Map<string, Set<() => void>>();
  const tell = (channel: string) => {
    for (const onChange of listeners.get(channel) ?? []) {
      try {
        onChange();
      } catch (err) {
        options.log(`change feed: a subscriber of ${channel} failed: ${String(err)}`);
      }
    }
  };

  // The offline queue stays on here: a SUBSCRIBE asked for while Redis is away is sent when it is back.
  const subscriber = await connectRedis(url, { log: options.log, purpose: 'change feed', ioredis: { enableOfflineQueue: true } });
  subscriber.on('message', (channel: string) => tell(channel));
  let connectedOnce = subscriber.status === 'ready';
  subscriber.on('ready', () => {
    if (connectedOnce) for (const channel of listeners.keys()) tell(channel);
    connectedOnce = true;
  });

  return {
    async publish(topic) {
      await options.publisher.eval(PUBLISH, [channelOf(topic)], ['1']);
    },
    subscribe(topic, onChange) {
      const channel = channelOf(topic);
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        subscriber.subscribe(channel).catch((err: unknown) => options.log(`change feed: subscribing to ${channel} failed: ${String(err)}`));
      }
      const entry = () => onChange();
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    async close() {
      listeners.clear();
      await closeRedis(subscriber);
    },
  };
}
