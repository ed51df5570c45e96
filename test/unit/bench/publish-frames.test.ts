// The flood publisher's frames and PUBACK counting: the frames must be exactly the device stream as
// MQTT publishes (or the bench would measure other traffic), and every PUBACK must be counted once
// however the socket splits them (or a flood would end early or never).
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { deviceMessage } from '../../../bench/load/device-mix.ts';
import { pubackCounter, publishFrames } from '../../../bench/load/publish-frames.ts';

const START_MS = 1_700_000_000_000;

function parseAll(bytes: Buffer): mqttPacket.Packet[] {
  const packets: mqttPacket.Packet[] = [];
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  parser.on('packet', (packet) => packets.push(packet));
  parser.parse(bytes);
  return packets;
}

const puback = (messageId: number): Buffer => mqttPacket.generate({ cmd: 'puback', messageId });

describe('publishFrames', () => {
  it('slices are the QoS 1 publishes of the device stream, in order, with packet ids from 1', () => {
    const frames = publishFrames(1_200, START_MS);
    const packets = parseAll(frames.slice(995, 1_005));
    expect(packets).toHaveLength(10);
    packets.forEach((packet, i) => {
      const expected = deviceMessage(995 + i, START_MS);
      expect(packet).toMatchObject({ cmd: 'publish', qos: 1, topic: expected.topic, messageId: 996 + i });
      expect(String((packet as mqttPacket.IPublishPacket).payload)).toBe(expected.payload);
    });
  });

  it('packet ids wrap after 65,535 without ever being 0', () => {
    const packets = parseAll(publishFrames(65_537, START_MS).slice(65_534, 65_537));
    expect(packets.map((p) => (p as mqttPacket.IPublishPacket).messageId)).toEqual([65_535, 1, 2]);
  });
});

describe('pubackCounter', () => {
  const stream = Buffer.concat(Array.from({ length: 50 }, (_, i) => puback(i + 1)));

  it.each([1, 3, 4, 5, 7, 200])('counts every PUBACK once when the bytes arrive in chunks of %i', (size) => {
    const counter = pubackCounter();
    for (let i = 0; i < stream.length; i += size) counter.add(stream.subarray(i, i + size));
    expect(counter.count).toBe(50);
  });

  it('refuses a packet that is not a PUBACK, also one that starts inside a chunk', () => {
    expect(() => pubackCounter().add(Buffer.from([0xd0, 0x00]))).toThrow(/other than a PUBACK/);
    const counter = pubackCounter();
    counter.add(Buffer.from([0x40, 0x02, 0x00]));
    expect(() => counter.add(Buffer.from([0x01, 0x20, 0x02, 0x00, 0x00]))).toThrow(/other than a PUBACK/);
  });
});
