// What the generated typings must refuse. Each case is one line, preceded by a marker:
//
//   // @ts-expect-error <case-id> (<TS code>[|<TS code>...]): <why it must not compile>
//
// tsc passes on this file only if every marked line errors (an unused @ts-expect-error is itself an error).
// tests/test_typescript.py also compiles a copy with the markers blanked out and checks that tsc reports an error
// with one of the listed codes on each marked line, and nowhere else, so a case cannot pass by erroring for an
// unrelated reason (a typo, a missing import).
//
import { io, type Socket } from "socket.io-client";
import {
  channels,
  rooms,
  type ClientToServerEvents,
  type ErrorCode,
  type GroupCompletePayload,
  type HeartbeatPayload,
  type OrderCancelledPayload,
  type OrderLocationUpdatePayload,
  type OrderRoom,
  type OrderStatusUpdatePayload,
  type RoomName,
  type ServerToClientEvents,
  type ServerToClientPayload,
  type SubscribeChannel,
  type SubscribePayload,
  type UnsubscribePayload,
  type SystemMaintenancePayload,
  type TicketMembership,
} from "rez-realtime";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://localhost:3000", {
  auth: { token: "jwt" },
});
const order = {
  orderId: "ord_1",
  orderNumber: "REZ-1",
  status: "placed",
  timestamp: "2025-10-27T14:30:00Z",
  message: "Placed.",
} as const;

// -- payload literals ------------------------------------------------------------------------------------------------

// @ts-expect-error missing-required-field (TS2741): orderNumber is required
const missingField: OrderStatusUpdatePayload = { orderId: "ord_1", status: "placed", timestamp: "2025-10-27T14:30:00Z", message: "Placed." };

// @ts-expect-error wrong-enum-value (TS2322): "teleported" is not an OrderStatus
const wrongEnum: OrderStatusUpdatePayload = { ...order, status: "teleported" };

// @ts-expect-error wrong-field-type (TS2322): heartbeat's timestamp is epoch milliseconds, a number
const wrongType: HeartbeatPayload = { timestamp: "2025-10-27T14:30:00Z" };

// @ts-expect-error excess-property (TS2353): no index signature, so an unknown key in a literal is refused
const extraKey: OrderStatusUpdatePayload = { ...order, courier: "Ravi" };

// @ts-expect-error null-for-optional-field (TS2322): optional means absent, not null
const nullOptional: OrderStatusUpdatePayload = { ...order, estimatedDelivery: null };

// @ts-expect-error wrong-const-value (TS2322): group_complete's status is the constant "complete"
const wrongConst: GroupCompletePayload = { groupId: "g", groupCode: "G1", status: "open", members: [], completedAt: "2025-10-27T14:30:00Z" };

// @ts-expect-error wrong-nested-field (TS2741): location.latitude is required
const nestedMissing: OrderLocationUpdatePayload = { orderId: "o", location: { longitude: 77.5, address: "MG Road" }, driverName: "R", driverPhone: "+91", timestamp: "2025-10-27T14:30:00Z" };

// @ts-expect-error wrong-array-item-type (TS2322): affectedServices is a list of strings
const wrongItems: SystemMaintenancePayload = { scheduledAt: "2025-10-27T14:30:00Z", duration: 30, message: "m", affectedServices: [1] };

// @ts-expect-error wrong-error-code (TS2322): error codes are a closed set
const wrongCode: ErrorCode = "NOT_A_CODE";

// @ts-expect-error wrong-inline-enum-value (TS2322): cancelledBy is "user" | "store" | "admin"
const wrongCancelledBy: OrderCancelledPayload = { orderId: "o", reason: "r", cancelledBy: "driver", refundAmount: 1, refundStatus: "pending" };

// -- event names and directions --------------------------------------------------------------------------------------

// @ts-expect-error unknown-event-on (TS2345): not an event of the catalog
socket.on("no_such_event", () => {});

// @ts-expect-error unknown-event-emit (TS2345): not an event of the catalog
socket.emit("no_such_event", {});

// @ts-expect-error client-event-listened (TS2345): subscribe is client-to-server; the client never receives it
socket.on("subscribe", () => {});

// @ts-expect-error server-event-emitted (TS2345): order_status_update is server-to-client; the client cannot send it
socket.emit("order_status_update", order);

// @ts-expect-error server-payload-of-client-event (TS2344): ServerToClientPayload takes server-to-client names only
type NotAServerEvent = ServerToClientPayload<"heartbeat">;

// @ts-expect-error listener-with-wrong-payload (TS2345|TS2769): order_status_update does not carry an OrderCancelledPayload
socket.on("order_status_update", (payload: OrderCancelledPayload) => payload.refundAmount);

socket.on("order_status_update", (payload) => {
  // @ts-expect-error unknown-field-read (TS2339): the payload has no courier
  return payload.courier;
});

// -- emitting --------------------------------------------------------------------------------------------------------

// @ts-expect-error emit-wrong-payload (TS2345|TS2741): join_ticket needs the user id too
socket.emit("join_ticket", { ticketId: "t1" }, () => {});

// @ts-expect-error emit-excess-property (TS2353): heartbeat carries only its timestamp
socket.emit("heartbeat", { timestamp: 1, foreground: true });

// @ts-expect-error emit-without-payload (TS2554): heartbeat has a payload
socket.emit("heartbeat");

// @ts-expect-error ack-on-event-without-ack (TS2554): the catalog declares no ack for heartbeat
socket.emit("heartbeat", { timestamp: 1 }, () => {});

// @ts-expect-error ack-callback-of-wrong-type (TS2345): the ack carries a SubscriptionAck or an AckError
socket.emit("subscribe", { channel: "orders" }, (response: { ok: true; channel: number }) => response.channel);

// -- acknowledgements ------------------------------------------------------------------------------------------------

socket.timeout(5_000).emit("subscribe", { channel: "orders" }, (err, response) => {
  // @ts-expect-error timeout-callback-error-first (TS2339): with timeout() the first argument is the timeout Error
  console.log(err.rooms);
  // @ts-expect-error timeout-ack-used-as-ok (TS2339): the response may be {ok: false, error}; narrow on ok first
  return response.rooms;
});

socket.emit("subscribe", { channel: "orders" }, (response) => {
  // @ts-expect-error ack-used-as-ok (TS2339): the response may be {ok: false, error}; narrow on ok first
  return response.rooms;
});

socket.emit("join_ticket", { ticketId: "t1", userId: "u1" }, (response) => {
  if (!response.ok) {
    // @ts-expect-error error-ack-used-as-ok (TS2339): after `!response.ok` it is an AckError, without a room
    return response.room;
  }
  // @ts-expect-error ok-ack-used-as-error (TS2339): after the check it is a JoinTicketAck, without an error
  return response.error;
});

export async function acks(): Promise<void> {
  // Without timeout(): socket.io-client 4.8 types socket.timeout(ms).emitWithAck(...) as Promise<any>
  // (socketio/socket.io#4925), whatever the event map says.
  const answer = await socket.emitWithAck("subscribe", { channel: "orders" });
  // @ts-expect-error emit-with-ack-used-as-ok (TS2339): emitWithAck resolves to SubscriptionAck | AckError
  console.log(answer.channel);
  // @ts-expect-error emit-with-ack-on-event-without-ack (TS2345|TS2554|TS2769): heartbeat has no ack to wait for
  await socket.emitWithAck("heartbeat", { timestamp: 1 });
  const membership: TicketMembership = { ticketId: "t1", userId: "u1" };
  const read = await socket.emitWithAck("message_read", { ...membership, messageId: "m1" });
  // @ts-expect-error message-read-ack-error-unchecked (TS2339): the error branch must be narrowed first
  console.log(read.error.code);
}

// -- rooms and channels ----------------------------------------------------------------------------------------------

// @ts-expect-error bad-leaderboard-period (TS2345): "yearly" is not a LeaderboardPeriod
rooms.leaderboard("yearly");

// @ts-expect-error bad-leaderboard-channel-period (TS2345): "yearly" is not a LeaderboardPeriod
channels.leaderboard("yearly");

// @ts-expect-error not-a-channel (TS2322): not a name subscribe accepts
const notAChannel: SubscribeChannel = "nonsense";

// @ts-expect-error leaderboard-channel-bad-period (TS2322|TS2820): leaderboard_ channels are one per period
const badLeaderboardChannel: SubscribeChannel = "leaderboard_yearly";

// @ts-expect-error room-name-as-channel (TS2322): a room name (order:…) is not a channel name (order_…)
const roomAsChannel: SubscribeChannel = rooms.order("ord_1");

// @ts-expect-error not-a-room (TS2322): no room of the catalog is called basket:…
const notARoom: RoomName = "basket:1";

// @ts-expect-error builder-returns-its-room-type (TS2322): rooms.group builds a GroupRoom, not an OrderRoom
const wrongRoom: OrderRoom = rooms.group("g1");

// @ts-expect-error constant-channel-is-not-callable (TS2349): channels.orders is the name itself
channels.orders("o1");

// subscribe and unsubscribe take only names the catalog's channels make (ChannelName is SubscribeChannel).
// @ts-expect-error subscribe-any-string (TS2322): "nonsense" is not a SubscribeChannel
socket.emit("subscribe", { channel: "nonsense" }, () => {});
// @ts-expect-error subscribe-bad-period (TS2322|TS2820): there is no yearly leaderboard
export const badPeriod: SubscribePayload = { channel: "leaderboard_yearly" };
// @ts-expect-error subscribe-room-name (TS2322): order:ord_1 is a room, not a channel
socket.emit("subscribe", { channel: "order:ord_1" }, () => {});
// @ts-expect-error unsubscribe-any-string (TS2322): "basket" is not a SubscribeChannel
export const badUnsubscribe: UnsubscribePayload = { channel: "basket" };
