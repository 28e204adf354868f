import { deliveryErrorCode, isPermanentFailure, retryDelayMs } from '../../server/notifications/outbox-retry';

describe('retry policy', () => {
  it('when attempts fail, then the wait doubles from about 30 seconds up to an hour, within 10% jitter', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(2, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(3, () => 0.5)).toBe(120_000);
    expect(retryDelayMs(19, () => 0.5)).toBe(3_600_000);
    expect(retryDelayMs(1, () => 0)).toBe(27_000);
    expect(retryDelayMs(1, () => 1)).toBe(33_000);
  });

  it('when an error is recorded, then only its code and reply code are kept, never its message', () => {
    const error = Object.assign(new Error('Recipient command failed: 550 <someone@example.com> unknown'), { code: 'EENVELOPE', responseCode: 550 });
    expect(deliveryErrorCode(error)).toBe('EENVELOPE:550');
    expect(isPermanentFailure(error)).toBe(true);
    expect(deliveryErrorCode(new Error('someone@example.com'))).toBe('unknown');
    expect(deliveryErrorCode({ code: 'bad code <someone@example.com>' })).toBe('unknown');
    expect(isPermanentFailure({ code: 'EPROTOCOL', responseCode: 421 })).toBe(false);
  });
});
