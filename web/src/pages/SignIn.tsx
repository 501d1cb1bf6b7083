import { useEffect, useRef, useState } from 'react';
import { api, messageOf } from '../api.js';
import { ActionButton, CopyButton, ErrorNote, Field } from '../components/ui.js';
import type { ClaudeCodeLogin, CodexLogin, DeviceCode, LoginProgress, Upstream } from '../types.js';

/**
 * The sign-in flows that put credentials into copilot, codex and claude-code
 * upstreams, driven through the admin API: GitHub's device flow (show a code,
 * poll until it is entered), ChatGPT's sign-in (open a URL, paste back where
 * the browser landed) or an import of the Codex CLI's auth.json, and Claude's
 * sign-in (open a URL, paste back the code the page shows) or a setup token.
 */
export function SignIn(props: { upstream: Upstream; onDone: () => void }) {
  if (props.upstream.kind === 'copilot') return <CopilotSignIn {...props} />;
  if (props.upstream.kind === 'claude-code') return <ClaudeCodeSignIn {...props} />;
  return <CodexSignIn {...props} />;
}

function CopilotSignIn(props: { upstream: Upstream; onDone: () => void }) {
  const base = `/upstreams/${encodeURIComponent(props.upstream.id)}/login/copilot`;
  const [code, setCode] = useState<DeviceCode>();
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const poll = (device: DeviceCode, seconds: number) => {
    timer.current = setTimeout(async () => {
      try {
        const answer = await api<LoginProgress>(`${base}/poll`, { method: 'POST', body: { deviceCode: device.deviceCode } });
        setStatus(answer.status);
        if (answer.status === 'done') props.onDone();
        else if (answer.status === 'pending') poll(device, answer.interval ?? seconds);
        else setError(`Sign-in ended: ${answer.status}. Start again.`);
      } catch (err) {
        setError(messageOf(err));
      }
    }, seconds * 1000);
  };

  return (
    <div className="form">
      {!code ? (
        <ActionButton
          className="primary"
          onError={setError}
          onClick={async () => {
            const device = await api<DeviceCode>(`${base}/start`, { method: 'POST' });
            setCode(device);
            setStatus('pending');
            poll(device, device.interval ?? 5);
          }}
        >
          Start GitHub sign-in
        </ActionButton>
      ) : (
        <>
          <p>
            Open <a href={code.verificationUri} target="_blank" rel="noreferrer">{code.verificationUri}</a> and enter this code:
          </p>
          <div className="secret">
            <code className="big">{code.userCode}</code>
            <CopyButton text={code.userCode} />
          </div>
          <p className="muted">Waiting for GitHub… ({status})</p>
        </>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

function CodexSignIn(props: { upstream: Upstream; onDone: () => void }) {
  const base = `/upstreams/${encodeURIComponent(props.upstream.id)}`;
  const [login, setLogin] = useState<CodexLogin>();
  const [callback, setCallback] = useState('');
  const [authJson, setAuthJson] = useState('');
  const [error, setError] = useState<string>();

  return (
    <div className="form">
      <h3>Sign in with ChatGPT</h3>
      {!login ? (
        <ActionButton className="primary" onError={setError} onClick={async () => setLogin(await api<CodexLogin>(`${base}/login/codex/start`, { method: 'POST' }))}>
          Start sign-in
        </ActionButton>
      ) : (
        <>
          <p>
            Open <a href={login.url} target="_blank" rel="noreferrer">the sign-in page</a>. After signing in, the browser lands on a
            localhost address that does not load: copy that whole address and paste it here.
          </p>
          <Field label="Address the browser landed on">
            <input value={callback} onChange={(e) => setCallback(e.target.value)} placeholder="http://localhost:1455/auth/callback?code=…" />
          </Field>
          <ActionButton
            className="primary"
            onError={setError}
            onClick={async () => {
              await api(`${base}/login/codex/finish`, { method: 'POST', body: { state: login.state, callback: callback.trim() } });
              props.onDone();
            }}
          >
            Finish
          </ActionButton>
        </>
      )}
      <h3>Or import the Codex CLI's ~/.codex/auth.json</h3>
      <textarea rows={5} value={authJson} onChange={(e) => setAuthJson(e.target.value)} placeholder='{"tokens": {…}}' />
      <ActionButton
        onError={setError}
        onClick={async () => {
          let body: unknown;
          try {
            body = JSON.parse(authJson);
          } catch {
            throw new Error('That is not JSON: paste the whole content of auth.json.');
          }
          await api(`${base}/import-codex`, { method: 'POST', body });
          props.onDone();
        }}
      >
        Import
      </ActionButton>
      <ErrorNote error={error} />
    </div>
  );
}

function ClaudeCodeSignIn(props: { upstream: Upstream; onDone: () => void }) {
  const base = `/upstreams/${encodeURIComponent(props.upstream.id)}`;
  const [login, setLogin] = useState<ClaudeCodeLogin>();
  const [code, setCode] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();

  return (
    <div className="form">
      <p className="muted">
        A Claude subscription is meant for Anthropic's own apps: serving other clients with it may break its terms. You are responsible for how it is used.
      </p>
      <h3>Sign in with Claude (Pro or Max)</h3>
      {!login ? (
        <ActionButton className="primary" onError={setError} onClick={async () => setLogin(await api<ClaudeCodeLogin>(`${base}/login/claude-code/start`, { method: 'POST' }))}>
          Start sign-in
        </ActionButton>
      ) : (
        <>
          <p>
            Open <a href={login.url} target="_blank" rel="noreferrer">the sign-in page</a>. After signing in, the page shows a code: copy it and paste it
            here.
          </p>
          <Field label="Code the page shows">
            <input value={code} onChange={(e) => setCode(e.target.value)} placeholder="code#state" />
          </Field>
          <ActionButton
            className="primary"
            onError={setError}
            onClick={async () => {
              await api(`${base}/login/claude-code/finish`, { method: 'POST', body: { state: login.state, code: code.trim() } });
              props.onDone();
            }}
          >
            Finish
          </ActionButton>
        </>
      )}
      <h3>Or add a token from claude setup-token</h3>
      <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder="sk-ant-oat01-…" />
      <ActionButton
        onError={setError}
        onClick={async () => {
          if (!token.trim()) throw new Error('Paste the token claude setup-token printed.');
          await api(`${base}/credentials`, { method: 'POST', body: { key: token.trim(), label: 'claude-code setup token' } });
          props.onDone();
        }}
      >
        Add token
      </ActionButton>
      <ErrorNote error={error} />
    </div>
  );
}
