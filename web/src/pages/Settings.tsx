import { useEffect, useState } from 'react';
import { api, apiText, download, messageOf } from '../api.js';
import { ActionButton, Card, ErrorNote, Field, Loading, splitList } from '../components/ui.js';
import { bytes, count, counted, dateTime } from '../format.js';
import type { CacheStats, ConfigImport, GatewaySettings, SecurityReport, SettingsPatch } from '../types.js';
import { optional, useLoad } from '../use-load.js';

const MB = 1024 * 1024;

export function SettingsPage() {
  return (
    <div className="page settings">
      <CacheCard />
      <SettingsCards />
      <RefusalsCard />
      <ConfigCard />
    </div>
  );
}

function CacheCard() {
  const cache = useLoad(() => optional(api<CacheStats>('/cache')), []);
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  if (cache.data === null) return null;
  const c = cache.data;
  return (
    <Card title="Response cache">
      <ErrorNote error={cache.error ?? error} onRetry={cache.reload} />
      {c && (
        <>
          <dl className="facts" data-testid="cache-stats">
            <div>
              <dt>Stored answers</dt>
              <dd>{count(c.entries)}</dd>
            </div>
            <div>
              <dt>Size</dt>
              <dd>{bytes(c.bytes)}</dd>
            </div>
            <div>
              <dt>Size limit</dt>
              <dd title="The sweep removes the least recently used answers past this size.">{bytes(c.maxBytes)}</dd>
            </div>
            <div>
              <dt>Hits on stored answers</dt>
              <dd>{count(c.hits)}</dd>
            </div>
          </dl>
          <p className="muted">Keys, models and requests can turn the cache on or off for themselves; see the cache settings below.</p>
          <ActionButton
            className="small danger"
            confirm="Remove every cached answer?"
            onError={setError}
            onClick={async () => {
              const r = await api<{ deleted: number }>('/cache', { method: 'DELETE' });
              setNote(`Removed ${counted(r.deleted, 'cached answer')}.`);
              cache.reload();
            }}
          >
            Purge all
          </ActionButton>
          {note && <span className="muted"> {note}</span>}
        </>
      )}
    </Card>
  );
}

function SettingsCards() {
  const settings = useLoad(() => optional(api<GatewaySettings>('/settings')), []);
  const [bodies, setBodies] = useState<GatewaySettings['logging']['bodies']>('off');
  const [emails, setEmails] = useState(false);
  const [patterns, setPatterns] = useState('');
  const [allowlist, setAllowlist] = useState('');
  const [cacheOn, setCacheOn] = useState(false);
  const [cacheTtl, setCacheTtl] = useState('3600');
  const [cacheScope, setCacheScope] = useState<'key' | 'group'>('key');
  const [cacheMaxMb, setCacheMaxMb] = useState('100');
  const [cacheEntryMb, setCacheEntryMb] = useState('2');
  const [trustProxy, setTrustProxy] = useState('false');
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<string>();

  useEffect(() => {
    const s = settings.data;
    if (!s) return;
    setBodies(s.logging.bodies);
    setEmails(s.logging.redact.emails);
    setPatterns(s.logging.redact.patterns.join('\n'));
    setAllowlist(s.security.ipAllowlist.join('\n'));
    setTrustProxy(Array.isArray(s.security.trustProxy) ? s.security.trustProxy.join(', ') : String(s.security.trustProxy));
    if (s.cache) {
      setCacheOn(s.cache.enabled);
      setCacheTtl(String(s.cache.ttlSeconds));
      setCacheScope(s.cache.scope);
      setCacheMaxMb(String(s.cache.maxBytes / MB));
      setCacheEntryMb(String(s.cache.maxEntryBytes / MB));
    }
  }, [settings.data]);

  if (settings.data === null) return <Card title="Security and logging">This gateway has no settings API.</Card>;

  const patch = (body: SettingsPatch, what: string) => async () => {
    setError(undefined);
    setSaved(undefined);
    await api('/settings', { method: 'PATCH', body });
    setSaved(`${what} saved.`);
    settings.reload();
  };
  const trustValue = (): boolean | number | string[] => {
    const t = trustProxy.trim();
    if (t === 'true' || t === 'false') return t === 'true';
    if (/^\d+$/.test(t)) return Number(t);
    return splitList(t);
  };

  return (
    <>
      <ErrorNote error={settings.error ?? error} onRetry={settings.reload} />
      {saved && <div className="note">{saved}</div>}
      <Loading when={settings.loading && !settings.data} />
      {settings.data?.cache && (
        <Card title="Cache settings">
          <div className="form">
            <label className="check">
              <input type="checkbox" name="cacheEnabled" checked={cacheOn} onChange={(e) => setCacheOn(e.target.checked)} /> Cache answers for every key
            </label>
            <div className="row2">
              <Field label="Keep answers for (seconds)" hint="Keys, models and the x-switchboard-cache-ttl header may set their own.">
                <input name="cacheTtl" inputMode="numeric" value={cacheTtl} onChange={(e) => setCacheTtl(e.target.value)} />
              </Field>
              <Field label="Share answers between" hint="A group shares answers among all its keys.">
                <select name="cacheScope" value={cacheScope} onChange={(e) => setCacheScope(e.target.value as 'key' | 'group')}>
                  <option value="key">requests of one key</option>
                  <option value="group">keys of one group</option>
                </select>
              </Field>
            </div>
            <div className="row2">
              <Field label="Size limit (MB)" hint="Past it, the least recently used answers are removed.">
                <input name="cacheMaxMb" inputMode="decimal" value={cacheMaxMb} onChange={(e) => setCacheMaxMb(e.target.value)} />
              </Field>
              <Field label="Largest answer kept (MB)" hint="A larger answer is sent but not stored.">
                <input name="cacheEntryMb" inputMode="decimal" value={cacheEntryMb} onChange={(e) => setCacheEntryMb(e.target.value)} />
              </Field>
            </div>
            <ActionButton
              className="primary"
              onError={setError}
              onClick={patch(
                {
                  cache: {
                    enabled: cacheOn,
                    ttlSeconds: Number(cacheTtl),
                    scope: cacheScope,
                    maxBytes: Math.round(Number(cacheMaxMb) * MB),
                    maxEntryBytes: Math.round(Number(cacheEntryMb) * MB),
                  },
                },
                'Cache settings',
              )}
            >
              Save cache settings
            </ActionButton>
          </div>
        </Card>
      )}
      <Card title="Body logging and redaction">
        <div className="form">
          <Field label="Log request and response bodies" hint="Whole bodies are redacted as below before they are stored.">
            <select name="bodies" value={bodies} onChange={(e) => setBodies(e.target.value as typeof bodies)}>
              <option value="off">off</option>
              <option value="metadata">sizes and shapes only</option>
              <option value="full">whole bodies</option>
            </select>
          </Field>
          <label className="check">
            <input type="checkbox" checked={emails} onChange={(e) => setEmails(e.target.checked)} /> Redact email addresses
          </label>
          <Field label="Redact patterns" hint="One regular expression per line; each match is replaced.">
            <textarea name="patterns" rows={3} value={patterns} onChange={(e) => setPatterns(e.target.value)} />
          </Field>
          <ActionButton
            className="primary"
            onError={setError}
            onClick={patch({ logging: { bodies, redact: { emails, patterns: patterns.split('\n').map((p) => p.trim()).filter(Boolean) } } }, 'Logging')}
          >
            Save logging
          </ActionButton>
        </div>
      </Card>
      <Card title="IP allowlist">
        <div className="form">
          <Field label="Client addresses allowed on /v1" hint="One address or CIDR per line (10.0.0.0/8, 2001:db8::/32); empty allows any.">
            <textarea name="ipAllowlist" rows={4} value={allowlist} onChange={(e) => setAllowlist(e.target.value)} />
          </Field>
          <Field label="Trust X-Forwarded-For" hint="false, true (one proxy), a number of proxies, or the proxies' CIDRs.">
            <input name="trustProxy" value={trustProxy} onChange={(e) => setTrustProxy(e.target.value)} />
          </Field>
          <ActionButton className="primary" onError={setError} onClick={patch({ security: { ipAllowlist: splitList(allowlist), trustProxy: trustValue() } }, 'IP allowlist')}>
            Save allowlist
          </ActionButton>
        </div>
      </Card>
    </>
  );
}

/** The refusals a person reads, by the report's kind. */
const REFUSAL_KIND: Record<SecurityReport['recent'][number]['kind'], string> = {
  failedAdminAuth: 'admin sign-in failed',
  failedClientAuth: 'unknown client key',
  ipBlocked: 'address not allowed',
  connectionCapped: 'too many connections',
};

/** Refused requests since the gateway started (GET /security), newest first. */
function RefusalsCard() {
  const report = useLoad(() => optional(api<SecurityReport>('/security')), []);
  if (report.data === null) return null;
  const r = report.data;
  return (
    <Card title="Refused requests" actions={<button type="button" className="small" onClick={report.reload}>Refresh</button>}>
      <ErrorNote error={report.error} onRetry={report.reload} />
      {r && (
        <>
          <p className="muted" data-testid="refusals">
            Since {dateTime(r.since)}: {counted(r.failedAdminAuth, 'failed admin sign-in')}, {counted(r.failedClientAuth, 'unknown client key')},{' '}
            {counted(r.ipBlocked, 'request')} refused by the allowlist
            {r.connectionCapped > 0 ? `, ${counted(r.connectionCapped, 'connection')} closed past the per-address cap` : ''}.
          </p>
          {r.recent.length > 0 && (
            <div className="table-wrap">
              <table className="table compact">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>What</th>
                    <th>Address</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {[...r.recent].reverse().slice(0, 20).map((x, i) => (
                    <tr key={i}>
                      <td>{dateTime(x.at)}</td>
                      <td>{REFUSAL_KIND[x.kind]}</td>
                      <td>{x.address ?? '—'}</td>
                      <td>{x.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Card>
  );
}

function ConfigCard() {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<ConfigImport>();

  const run = (dryRun: boolean) => async () => {
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await api<ConfigImport>('/config', { method: 'POST', text, query: { dryRun } }));
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <Card title="Configuration">
      <p className="muted">
        The whole configuration in the config file's shape. Credential keys are exported as <code>{'${SB_CREDENTIAL_…}'}</code> placeholders: importing a
        placeholder keeps the credential already stored under that id. Client keys are exported without their secret.
      </p>
      <div className="actions">
        <ActionButton onError={setError} onClick={() => download('/config', { format: 'yaml' }, 'switchboard.yaml')}>
          Export YAML
        </ActionButton>
        <ActionButton onError={setError} onClick={() => download('/config', { format: 'json' }, 'switchboard.json')}>
          Export JSON
        </ActionButton>
        <ActionButton onError={setError} onClick={async () => setText(await apiText('/config', { query: { format: 'yaml' } }))}>
          Load current into the editor
        </ActionButton>
      </div>
      <Field label="Import (YAML or JSON)">
        <textarea name="config" rows={12} className="code" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </Field>
      <input
        type="file"
        accept=".yaml,.yml,.json"
        aria-label="Import from a file"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (file) setText(await file.text());
        }}
      />
      <div className="actions">
        <button type="button" onClick={() => void run(true)()} disabled={!text.trim()}>
          Validate
        </button>
        <button type="button" className="primary" onClick={() => void run(false)()} disabled={!text.trim()}>
          Import
        </button>
      </div>
      <ErrorNote error={error} />
      {result && (
        <div className="note" data-testid="import-result">
          {result.dryRun ? 'Valid: would apply' : 'Applied'} {counted(result.upstreams, 'upstream')}, {counted(result.models, 'model')}, {counted(result.keys, 'key')}.
          {result.createdKeys.map((k) => (
            <div key={k.name}>
              New key <b>{k.name}</b> (shown once): <code>{k.key}</code>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
