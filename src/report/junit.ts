/** check --junit FILE: one test case per rule that ran, for CI systems that read JUnit XML. */
import type { Finding } from '../core/model.js';
import { printable } from './escape.js';
import { renderFinding } from './render.js';
import type { DocumentReporter } from './report.js';

/** Text for an attribute or element: a value's own control, C1 and bidi characters shown, not dropped or passed. */
function xml(text: string): string {
  return printable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** One test case per rule that ran; a rule with error (or, with failOn=warning, warning) findings fails. */
export const junitXml: DocumentReporter = ({ ruleIds, diagnosis, failOn = 'error', elapsedSeconds = 0 }) => {
  const failing = (f: Finding) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning');
  const ids = [...new Set([...ruleIds, ...diagnosis.findings.map((f) => f.id)])];
  const cases = ids.map((id) => {
    const mine = diagnosis.findings.filter((f) => f.id === id && f.severity !== 'info');
    const failures = mine.filter(failing);
    const words = (f: Finding) => renderFinding(f, diagnosis.commandArgs);
    const body = failures
      .map(words)
      .map((f) => `      <failure type="${f.severity}" message="${xml(f.title)}">${[f.explanation, ...f.evidence, f.fix?.command ? `Fix: ${f.fix.command}` : ''].filter(Boolean).map(xml).join('\n')}</failure>`)
      .join('\n');
    const notes = mine.filter((f) => !failing(f)).map(words).map((f) => `${f.severity}: ${f.title}`);
    const out = notes.length ? `\n      <system-out>${notes.map(xml).join('\n')}</system-out>` : '';
    return `    <testcase classname="openclaw-fix" name="${xml(id)}">${body ? `\n${body}` : ''}${out}${body || out ? '\n    ' : ''}</testcase>`;
  });
  const failures = ids.filter((id) => diagnosis.findings.some((f) => f.id === id && failing(f))).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="openclaw-fix check" tests="${ids.length}" failures="${failures}" errors="0" time="${elapsedSeconds.toFixed(3)}">`,
    `  <testsuite name="openclaw-fix" tests="${ids.length}" failures="${failures}" errors="0" time="${elapsedSeconds.toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
};
