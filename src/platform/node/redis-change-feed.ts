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
 * The change feed over Redis pub/sub, channel `{prefix}:changes:<topic>`
 * for hints and `{prefix}:messages:<topic>` for messages.
 * Subscribes on a connection of its own, which ioredis re-subscribes after a
 * reconnection; hints published while it was away are lost, so every topic's
 * subscribers are called once when it is back (they read the truth from the
 * Store anyway).
 */
export async function openRedisChangeFeed(url: string, options: RedisChangeFeedOptions): Promise<ChangeFeed> {
  const channelOf = (topic: string) => `{${options.prefix}}:changes:${topic}`;
  const messageChannelOf = (topic: string) => `{${options.prefix}}:messages:${topic}`;
  const listeners = new Map<string, Set<() => void>>();
  const messageListeners = new Map<string, Set<(message: string) => void>>();
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
  const deliver = (channel: string, message: string) => {
    for (const onMessage of messageListeners.get(channel) ?? []) {
      try {
        onMessage(message);
      } catch (err) {
        options.log(`change feed: a listener of ${channel} failed: ${String(err)}`);
      }
    }
  };
  const subscribeTo = (channel: string) =>
    subscriber.subscribe(channel).catch((err: unknown) => options.log(`change feed: subscribing to ${channel} failed: ${String(err)}`));
  subscriber.on('message', (channel: string, message: string) => {
    if (messageListeners.has(channel)) deliver(channel, message);
    else tell(channel);
  });
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
        subscribeTo(channel);
      }
      const entry = () => onChange();
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    async send(topic, message) {
      await options.publisher.eval(PUBLISH, [messageChannelOf(topic)], [message]);
    },
    listen(topic, onMessage) {
      const channel = messageChannelOf(topic);
      let set = messageListeners.get(channel);
      if (!set) {
        set = new Set();
        messageListeners.set(channel, set);
        subscribeTo(channel);
      }
      const entry = (message: string) => onMessage(message);
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    async close() {
      listeners.clear();
      messageListeners.clear();
      await closeRedis(subscriber);
    },
  };
}
