# generated from catalog/events.yaml by eventcat — do not edit
"""Every example of the catalog, by event name: payloads and acknowledgements, as JSON values.

The demo server publishes them; the tests round-trip each one through its model.
"""

from typing import Any

EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "subscribe": (
        {"channel": "orders"},
        {"channel": "support_ticket_123"},
    ),
    "unsubscribe": ({"channel": "orders"},),
    "heartbeat": ({"timestamp": 1761575400000},),
    "connected": (
        {"userId": "user_456", "socketId": "Xk2lq8ZbA5Fx0c1aAAAB", "timestamp": "2025-10-27T14:30:00Z"},
        {
            "userId": "user_456",
            "socketId": "pQ3mT0aXb9Kc2dEfAAAD",
            "timestamp": "2025-10-27T14:35:10Z",
            "recovered": True,
            "restoredChannels": ["orders", "support_ticket_123"],
        },
    ),
    "disconnected": ({"reason": "server_shutdown", "timestamp": "2025-10-27T14:30:00Z"},),
    "heartbeat_ack": ({"timestamp": 1761575400000},),
    "error": (
        {
            "code": "VALIDATION_ERROR",
            "message": "subscribe: channel is required",
            "details": {"event": "subscribe", "errors": [{"path": "channel", "message": "Field required"}]},
            "timestamp": "2025-10-27T14:30:00Z",
        },
        {
            "code": "RATE_LIMITED",
            "message": "Too many events",
            "details": {"retryAfterMs": 1200},
            "timestamp": "2025-10-27T14:30:01Z",
        },
    ),
    "connection_error": ({"reason": "too_many_reconnects", "attempts": 6, "nextRetry": 32000},),
    "order_status_update": (
        {
            "orderId": "ord_9f2c41",
            "orderNumber": "REZ-104233",
            "status": "out_for_delivery",
            "timestamp": "2025-10-27T14:30:00Z",
            "message": "Your order is on its way.",
            "estimatedDelivery": "2025-10-27T15:05:00Z",
        },
    ),
    "order_location_update": (
        {
            "orderId": "ord_9f2c41",
            "location": {"latitude": 12.9716, "longitude": 77.5946, "address": "MG Road, Bengaluru"},
            "driverName": "Ravi Kumar",
            "driverPhone": "+919812345678",
            "timestamp": "2025-10-27T14:42:10Z",
        },
    ),
    "order_eta_update": ({"orderId": "ord_9f2c41", "eta": "2025-10-27T15:05:00Z", "minutes": 23},),
    "order_delivered": (
        {
            "orderId": "ord_9f2c41",
            "deliveredAt": "2025-10-27T15:02:41Z",
            "signature": "https://cdn.rezapp.com/signatures/ord_9f2c41.png",
        },
    ),
    "order_cancelled": (
        {
            "orderId": "ord_9f2c41",
            "reason": "Store closed early",
            "cancelledBy": "store",
            "refundAmount": 349.5,
            "refundStatus": "processing",
        },
    ),
    "new_offer": (
        {
            "id": "offer_2201",
            "title": "20% off fresh fruit",
            "description": "Save on every fruit order above ₹299 until Sunday.",
            "discount": 20,
            "expiresAt": "2025-11-02T23:59:59Z",
            "image": "https://cdn.rezapp.com/offers/offer_2201.jpg",
            "category": "groceries",
        },
    ),
    "offer_updated": (
        {
            "id": "offer_2201",
            "title": "25% off fresh fruit",
            "description": "Now 25% off every fruit order above ₹299, extended to Monday.",
            "discount": 25,
            "expiresAt": "2025-11-03T23:59:59Z",
            "image": "https://cdn.rezapp.com/offers/offer_2201-v2.jpg",
            "category": "groceries",
        },
    ),
    "offer_expired": ({"offerId": "offer_2201"},),
    "deal_notification": (
        {
            "id": "deal_5120",
            "title": "Flash sale on wireless earbuds",
            "originalPrice": 2999,
            "salePrice": 1499,
            "discount": 50,
            "timeRemaining": 1800,
            "stock": 42,
        },
    ),
    "cart_sync": (
        {
            "userId": "user_456",
            "items": [
                {
                    "productId": "prod_8812",
                    "name": "Alphonso mangoes (1 kg)",
                    "image": "https://cdn.rezapp.com/products/prod_8812.jpg",
                    "quantity": 2,
                    "unitPrice": 349,
                    "lineTotal": 698,
                    "reservedUntil": "2025-10-27T14:45:00Z",
                },
                {
                    "productId": "prod_1207",
                    "name": "Greek yogurt 400 g",
                    "quantity": 1,
                    "unitPrice": 120,
                    "lineTotal": 120,
                },
            ],
            "itemCount": 3,
            "subtotal": 818,
            "discount": 50,
            "total": 768,
            "currency": "INR",
            "updatedAt": "2025-10-27T14:30:00Z",
        },
    ),
    "price_update": ({"productId": "prod_8812", "oldPrice": 399, "newPrice": 349, "discount": 12.5},),
    "stock_update": (
        {"productId": "prod_8812", "stock": 3, "isAvailable": True},
        {"productId": "prod_1207", "stock": 0, "isAvailable": False},
    ),
    "cart_item_reserved": ({"productId": "prod_8812", "quantity": 2, "expiresAt": "2025-10-27T14:45:00Z"},),
    "cart_item_released": ({"productId": "prod_8812", "reason": "expired"},),
    "join_ticket": ({"ticketId": "ticket_123", "userId": "user_456"},),
    "leave_ticket": ({"ticketId": "ticket_123", "userId": "user_456"},),
    "user_typing_start": ({"ticketId": "ticket_123", "userId": "user_456"},),
    "user_typing_stop": ({"ticketId": "ticket_123", "userId": "user_456"},),
    "message_read": ({"ticketId": "ticket_123", "messageId": "msg_789", "userId": "user_456"},),
    "support_message_received": (
        {
            "id": "msg_789",
            "ticketId": "ticket_123",
            "senderId": "agent_31",
            "senderName": "Priya from REZ Support",
            "senderAvatar": "https://cdn.rezapp.com/avatars/agent_31.png",
            "type": "image",
            "content": "Here is the corrected invoice.",
            "attachments": [
                {"url": "https://cdn.rezapp.com/support/ticket_123/invoice.png", "type": "image/png", "size": 184320}
            ],
            "createdAt": "2025-10-27T14:30:00Z",
        },
        {
            "id": "msg_790",
            "ticketId": "ticket_123",
            "senderId": "user_456",
            "senderName": "Asha Rao",
            "type": "text",
            "content": "Thanks, that looks right.",
            "createdAt": "2025-10-27T14:31:12Z",
        },
    ),
    "support_message_delivered": ({"messageId": "msg_789", "deliveredAt": "2025-10-27T14:30:02Z"},),
    "support_message_read": ({"messageId": "msg_789", "readBy": "user_456", "readAt": "2025-10-27T14:31:05Z"},),
    "support_agent_assigned": (
        {
            "ticketId": "ticket_123",
            "agent": {
                "id": "agent_31",
                "name": "Priya Sharma",
                "avatar": "https://cdn.rezapp.com/avatars/agent_31.png",
                "department": "Orders & refunds",
            },
            "assignedAt": "2025-10-27T14:28:40Z",
        },
    ),
    "support_agent_typing_start": ({"ticketId": "ticket_123", "agentId": "agent_31", "agentName": "Priya Sharma"},),
    "support_agent_typing_stop": ({"ticketId": "ticket_123", "agentId": "agent_31"},),
    "support_agent_status_changed": ({"agentId": "agent_31", "status": "busy", "timestamp": "2025-10-27T14:35:00Z"},),
    "support_ticket_status_changed": (
        {"ticketId": "ticket_123", "status": "resolved", "timestamp": "2025-10-27T14:40:00Z"},
    ),
    "support_queue_position_updated": ({"ticketId": "ticket_123", "position": 4, "estimatedWaitTime": 12},),
    "group_member_joined": (
        {
            "groupId": "grp_77a1",
            "groupCode": "MANGO42",
            "member": {
                "userId": "user_456",
                "name": "Asha Rao",
                "avatar": "https://cdn.rezapp.com/avatars/user_456.png",
            },
            "currentMembers": 3,
            "spotsRemaining": 2,
            "joinedAt": "2025-10-27T14:30:00Z",
        },
    ),
    "group_member_left": ({"groupId": "grp_77a1", "userId": "user_789", "currentMembers": 2, "spotsRemaining": 3},),
    "group_complete": (
        {
            "groupId": "grp_77a1",
            "groupCode": "MANGO42",
            "status": "complete",
            "members": [
                {"userId": "user_123", "name": "Vikram Nair", "avatar": "https://cdn.rezapp.com/avatars/user_123.png"},
                {"userId": "user_456", "name": "Asha Rao", "avatar": "https://cdn.rezapp.com/avatars/user_456.png"},
                {"userId": "user_789", "name": "Meera Iyer"},
            ],
            "completedAt": "2025-10-27T15:10:00Z",
        },
    ),
    "group_message": (
        {
            "id": "msg_812",
            "groupId": "grp_77a1",
            "userId": "user_456",
            "userName": "Asha Rao",
            "userAvatar": "https://cdn.rezapp.com/avatars/user_456.png",
            "message": "Two more and we unlock the group price!",
            "createdAt": "2025-10-27T14:32:00Z",
        },
    ),
    "group_cancelled": (
        {"groupId": "grp_77a1", "reason": "Not enough members joined in time", "cancelledAt": "2025-10-28T09:00:00Z"},
    ),
    "store_message": (
        {
            "id": "msg_931",
            "conversationId": "conv_5521",
            "storeId": "store_12",
            "storeName": "Fresh Basket Indiranagar",
            "content": "Your mangoes are packed and ready for pickup.",
            "type": "order_update",
            "createdAt": "2025-10-27T14:30:00Z",
        },
    ),
    "store_typing": ({"conversationId": "conv_5521", "storeId": "store_12", "storeName": "Fresh Basket Indiranagar"},),
    "store_online": ({"storeId": "store_12", "timestamp": "2025-10-27T09:00:00Z"},),
    "store_offline": ({"storeId": "store_12", "timestamp": "2025-10-27T22:00:00Z"},),
    "feed_new_post": (
        {
            "id": "post_3391",
            "userId": "user_123",
            "userName": "Vikram Nair",
            "userAvatar": "https://cdn.rezapp.com/avatars/user_123.png",
            "type": "product_review",
            "content": "Sweetest mangoes I have had this season. Five stars.",
            "images": ["https://cdn.rezapp.com/posts/post_3391/1.jpg"],
            "product": {
                "id": "prod_8812",
                "name": "Alphonso mangoes (1 kg)",
                "image": "https://cdn.rezapp.com/products/prod_8812.jpg",
            },
            "createdAt": "2025-10-27T14:30:00Z",
        },
    ),
    "feed_post_liked": (
        {
            "postId": "post_3391",
            "likedBy": {
                "userId": "user_456",
                "userName": "Asha Rao",
                "userAvatar": "https://cdn.rezapp.com/avatars/user_456.png",
            },
            "totalLikes": 18,
            "likedAt": "2025-10-27T14:35:00Z",
        },
    ),
    "feed_post_commented": (
        {
            "id": "cmt_6610",
            "postId": "post_3391",
            "userId": "user_456",
            "userName": "Asha Rao",
            "comment": "Where did you buy them?",
            "createdAt": "2025-10-27T14:36:00Z",
        },
    ),
    "feed_user_followed": (
        {
            "followerId": "user_456",
            "followerName": "Asha Rao",
            "followerAvatar": "https://cdn.rezapp.com/avatars/user_456.png",
            "followedAt": "2025-10-27T14:37:00Z",
        },
    ),
    "leaderboard_update": (
        {
            "period": "weekly",
            "rankings": [
                {
                    "rank": 1,
                    "userId": "user_123",
                    "userName": "Vikram Nair",
                    "avatar": "https://cdn.rezapp.com/avatars/user_123.png",
                    "points": 4820,
                    "change": 0,
                },
                {
                    "rank": 2,
                    "userId": "user_456",
                    "userName": "Asha Rao",
                    "avatar": "https://cdn.rezapp.com/avatars/user_456.png",
                    "points": 4615,
                    "change": 3,
                },
                {"rank": 3, "userId": "user_789", "userName": "Meera Iyer", "points": 4402, "change": -1},
            ],
            "updatedAt": "2025-10-27T14:30:00Z",
        },
    ),
    "leaderboard_rank_change": (
        {"userId": "user_456", "oldRank": 7, "newRank": 2, "points": 4615, "change": 5, "period": "weekly"},
    ),
    "leaderboard_achievement": (
        {
            "id": "ach_first_review",
            "title": "First review",
            "description": "Posted your first product review.",
            "icon": "https://cdn.rezapp.com/achievements/first_review.png",
            "points": 50,
            "earnedAt": "2025-10-27T14:30:00Z",
        },
    ),
    "system_maintenance": (
        {
            "scheduledAt": "2025-10-28T02:00:00Z",
            "duration": 45,
            "message": "REZ will be briefly unavailable for scheduled maintenance.",
            "affectedServices": ["payments", "orders"],
        },
    ),
    "force_update": (
        {
            "version": "4.2.0",
            "updateUrl": "https://cdn.rezapp.com/app/android/rez-4.2.0.apk",
            "message": "A new version of REZ is available with faster checkout.",
            "isForced": True,
        },
    ),
    "session_expired": (
        {"message": "Your session has expired. Please log in again.", "expiredAt": "2025-10-27T14:30:00Z"},
    ),
    "token_refresh": (
        {
            "newToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJ1c2VyXzQ1NiIsImV4cCI6MTc2MTU4MjYwMH0.4pXoQ3hWc3b8lQbq8pWc9Gd7t1xg0uK3o2Zr5sVjNnA",
            "expiresIn": 3600,
        },
    ),
}

ACK_EXAMPLES: dict[str, tuple[Any, ...]] = {
    "subscribe": ({"ok": True, "channel": "orders", "rooms": ["order:ord_9f2c41"]},),
    "unsubscribe": ({"ok": True, "channel": "orders", "rooms": ["order:ord_9f2c41"]},),
    "join_ticket": ({"ok": True, "ticketId": "ticket_123", "room": "support_ticket:ticket_123"},),
    "leave_ticket": ({"ok": True, "ticketId": "ticket_123", "room": "support_ticket:ticket_123"},),
    "message_read": ({"ok": True},),
}
