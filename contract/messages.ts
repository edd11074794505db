/** One MQTT message to publish. */
export interface Message {
  topic: string
  payload: string
  qos: 0 | 1
  retain: boolean
}

/** Where functions send MQTT messages: the broker over MQTT, or in the all-in-one the broker itself. */
export interface Publisher {
  /** Resolves once the broker acknowledged the message (QoS 1) or it was written (QoS 0). */
  publish(message: Message): Promise<void>
  /** Whether the broker is connected right now. */
  connected(): boolean
  /**
   * Whether the broker is connected but behind: as many messages in flight as allowed, or a
   * rush of them with the oldest unacknowledged for longer than allowed. What is acknowledged
   * now would reach the bar late.
   */
  saturated(): boolean
  close(): Promise<void>
}
