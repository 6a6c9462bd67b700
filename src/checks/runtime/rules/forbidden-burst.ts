/**
 * Many denied requests from one identity in a short time is discovery: a stolen token being probed for what it
 * may do (T1613 Container and Resource Discovery). A windowed count, not a per-event rule.
 */
export const FORBIDDEN_BURST = `
- rule: forbidden-burst
  title: Burst of forbidden requests from one identity
  desc: One identity received many 403 Forbidden answers within a minute.
  condition: responseStatus.code = 403 and not control_plane
  threshold:
    count: 10
    window: 60s
    by: [user.username]
  output: "{user.username} was denied {verb} {requestURI} and more: a burst of forbidden requests (from={sourceIPs} agent={userAgent})"
  priority: medium
  tags: [discovery, T1613]
`;
