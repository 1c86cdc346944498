use super::*;

#[test]
fn a_401_keeps_the_api_message_and_points_at_the_key() {
    let body = r#"{"error":{"message":"Incorrect API key provided: sk-...xxxx.","type":"invalid_request_error","code":"invalid_api_key"}}"#;
    let e = ApiError::from_http(401, body, None, 0.0);
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(e.message, "Incorrect API key provided: sk-...xxxx.");
    assert!(e.hint().contains("Check your API key"));
    assert!(e.needs_settings());
    assert!(!e.retryable());
}

#[test]
fn statuses_and_codes_are_classified() {
    let cases = [
        (403, r#"{"error":{"message":"no"}}"#, ErrorKind::Forbidden),
        (
            404,
            r#"{"error":{"message":"The model `x` does not exist","code":"model_not_found"}}"#,
            ErrorKind::ModelNotFound,
        ),
        (404, "Not Found", ErrorKind::NotFound),
        (
            400,
            r#"{"error":{"message":"too long","code":"context_length_exceeded"}}"#,
            ErrorKind::ContextTooLong,
        ),
        (400, r#"{"error":{"message":"bad"}}"#, ErrorKind::BadRequest),
        (
            429,
            r#"{"error":{"message":"slow down","code":"rate_limit_exceeded"}}"#,
            ErrorKind::RateLimited,
        ),
        (
            429,
            r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#,
            ErrorKind::Quota,
        ),
        (500, "", ErrorKind::Server),
        (502, "<html>bad gateway</html>", ErrorKind::Server),
        (
            503,
            r#"{"error":{"message":"overloaded","code":503}}"#,
            ErrorKind::Server,
        ),
    ];
    for (status, body, kind) in cases {
        assert_eq!(
            ApiError::from_http(status, body, None, 0.0).kind,
            kind,
            "{status} {body}"
        );
    }
}

#[test]
fn a_body_that_is_not_json_still_gives_a_readable_message() {
    let e = ApiError::from_http(502, "<html>Bad gateway</html>", None, 0.0);
    assert_eq!(e.message, "The endpoint answered with HTTP 502.");
    assert!(e.retryable());
}

#[test]
fn retry_after_accepts_seconds_and_http_dates() {
    assert_eq!(parse_retry_after("2", 0.0), Some(2.0));
    assert_eq!(parse_retry_after("-1", 0.0), None);
    assert_eq!(parse_retry_after("soon", 0.0), None);
    // 784111777000 ms is Sun, 06 Nov 1994 08:49:37 GMT.
    let now = 784_111_777_000.0 - 5_000.0;
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
        Some(5.0)
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 60_000.0),
        Some(0.0)
    );
}

#[test]
fn retry_after_dates_out_of_range_are_ignored_without_overflowing() {
    for value in [
        "Sun, 06 Nov 99999999999999 08:49:37 GMT",
        "Sun, 06 Nov -99999999999999 08:49:37 GMT",
        "Sun, 06 Nov 1994 99999999999999:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:9223372036854775807 GMT",
        "Sun, 9223372036854775807 Nov 1994 08:49:37 GMT",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
    ] {
        assert_eq!(parse_retry_after(value, 0.0), None, "{value}");
    }
    assert_eq!(
        parse_retry_after("Fri, 31 Dec 9999 23:59:60 GMT", 253_402_300_799_000.0),
        Some(1.0)
    );
}

#[test]
fn an_unreachable_endpoint_while_offline_says_so_and_is_not_retried() {
    let offline = ApiError::unreachable("Could not reach the endpoint.", false);
    assert!(offline.is_offline());
    assert!(offline.hint().starts_with("You are offline: "));
    assert!(!offline.retryable());
    assert!(!offline.needs_settings());
    let policy = crate::core::openai::retry::RetryPolicy::default();
    assert_eq!(policy.delay_ms(&offline, 0, 0.5), None);
    assert_eq!(
        offline.kind,
        ErrorKind::Network,
        "readable by earlier builds"
    );
    let back: ApiError = serde_json::from_str(&serde_json::to_string(&offline).unwrap()).unwrap();
    assert!(back.is_offline());

    let online = ApiError::unreachable("Could not reach the endpoint.", true);
    assert!(!online.is_offline());
    assert!(online.retryable());
    assert_eq!(online, ApiError::network("Could not reach the endpoint."));
    assert!(!online.hint().contains("offline"));
}

#[test]
fn a_lost_connection_is_a_network_error_that_says_the_reply_is_kept() {
    let lost = ApiError::connection_lost();
    assert!(lost.is_connection_lost() && !lost.is_offline());
    assert_eq!(lost.kind, ErrorKind::Network, "readable by earlier builds");
    assert!(lost.retryable(), "Retry is offered");
    assert!(!lost.needs_settings());
    assert!(!lost.hint().contains("Could not reach"));
    let back: ApiError = serde_json::from_str(&serde_json::to_string(&lost).unwrap()).unwrap();
    assert!(back.is_connection_lost());
    assert!(!ApiError::network("x").is_connection_lost());
}

#[test]
fn errors_round_trip_through_json() {
    let e = ApiError::from_http(429, r#"{"error":{"message":"x"}}"#, Some("3"), 0.0);
    let back: ApiError = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(back, e);
}

fn message(status: u16, body: &str) -> String {
    ApiError::from_http(status, body, None, 0.0).message
}

#[test]
fn an_openai_body_keeps_its_type_code_and_param() {
    let body = r#"{"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}"#;
    let e = ApiError::from_http(400, body, None, 0.0);
    assert_eq!(e.kind, ErrorKind::BadRequest);
    assert!(e.message.starts_with("Unsupported parameter: 'max_tokens'"));
    assert_eq!(e.code.as_deref(), Some("unsupported_parameter"));
    assert_eq!(e.param.as_deref(), Some("max_tokens"));
}

#[test]
fn a_gemini_array_body_gives_its_message() {
    let body = r#"[{
      "error": {
        "code": 400,
        "message": "Invalid JSON payload received. Unknown name \"stream_options\": Cannot find field.",
        "status": "INVALID_ARGUMENT"
      }
    }]"#;
    let e = ApiError::from_http(400, body, None, 0.0);
    assert_eq!(
        e.message,
        "Invalid JSON payload received. Unknown name \"stream_options\": Cannot find field."
    );
    assert_eq!(e.code.as_deref(), Some("INVALID_ARGUMENT"));
    assert_eq!(e.kind, ErrorKind::BadRequest);
    assert!(e.rejects_field("stream_options"));

    let quota = r#"[{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}]"#;
    let e = ApiError::from_http(429, quota, None, 0.0);
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.message, "Resource has been exhausted (e.g. check quota).");
}

#[test]
fn an_error_that_is_a_string_gives_that_string() {
    assert_eq!(
        message(500, r#"{"error":"Internal server error: model crashed"}"#),
        "Internal server error: model crashed"
    );
    assert_eq!(
        message(503, r#""Model is overloaded""#),
        "Model is overloaded"
    );
}

#[test]
fn a_vllm_top_level_error_gives_its_message_and_code() {
    let body = r#"{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.","type":"BadRequestError","param":null,"code":400}"#;
    let e = ApiError::from_http(400, body, None, 0.0);
    assert!(e
        .message
        .starts_with("This model's maximum context length is 4096"));
    assert_eq!(e.kind, ErrorKind::ContextTooLong);
    assert_eq!(e.code.as_deref(), Some("400"));
    assert_eq!(e.param, None);
}

#[test]
fn mistral_422_names_the_rejected_field() {
    let body = r#"{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options"],"msg":"Extra inputs are not permitted","input":{"include_usage":true}}]},"type":"invalid_request_message_error","param":null,"code":null}"#;
    let e = ApiError::from_http(422, body, None, 0.0);
    assert_eq!(e.message, "stream_options: Extra inputs are not permitted");
    assert_eq!(e.kind, ErrorKind::BadRequest);
    assert_eq!(e.code.as_deref(), Some("invalid_request_message_error"));
    assert!(e.rejects_field("stream_options"));
    assert!(!e.rejects_field("max_tokens"));
}

#[test]
fn fastapi_details_give_their_text_or_each_location_and_complaint() {
    assert_eq!(message(404, r#"{"detail":"Not Found"}"#), "Not Found");
    let body = r#"{"detail":[
        {"type":"extra_forbidden","loc":["body","reasoning_effort"],"msg":"Extra inputs are not permitted","input":"low"},
        {"type":"less_than_equal","loc":["body","messages",0,"temperature"],"msg":"Input should be less than or equal to 2","input":3}
    ]}"#;
    let e = ApiError::from_http(422, body, None, 0.0);
    assert_eq!(
        e.message,
        "reasoning_effort: Extra inputs are not permitted; messages.0.temperature: Input should be less than or equal to 2"
    );
    assert!(e.rejects_field("reasoning_effort") && e.rejects_field("temperature"));
    assert_eq!(
        message(
            422,
            r#"{"detail":[{"loc":["query","x"],"msg":"bad"},{"loc":[],"msg":"worse"}]}"#
        ),
        "query.x: bad; worse"
    );
}

#[test]
fn an_anthropic_body_gives_its_message_and_type() {
    let body = r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011"}"#;
    let e = ApiError::from_http(401, body, None, 0.0);
    assert_eq!(e.message, "invalid x-api-key");
    assert_eq!(e.code.as_deref(), Some("authentication_error"));
    assert_eq!(e.kind, ErrorKind::Auth);
}

#[test]
fn a_lone_message_is_read() {
    assert_eq!(
        message(401, r#"{"message":"Invalid API Key","success":false}"#),
        "Invalid API Key"
    );
}

#[test]
fn plain_text_is_shown_collapsed_and_cut() {
    assert_eq!(
        message(503, "  Service\n\n  Unavailable\t(upstream)  "),
        "The endpoint answered with HTTP 503: Service Unavailable (upstream)"
    );
    let long = "word ".repeat(200);
    let shown = message(500, &long);
    let said = shown
        .strip_prefix("The endpoint answered with HTTP 500: ")
        .unwrap();
    assert_eq!(said.chars().count(), 300);
}

#[test]
fn an_html_body_gives_its_title_and_no_tags() {
    let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n";
    assert_eq!(
        message(502, nginx),
        "The endpoint answered with HTTP 502: 502 Bad Gateway"
    );
    let h1_only = "<!DOCTYPE html><HTML><BODY><H1 class=x>Service <b>Unavailable</b> &amp; down</H1><p>later</p></BODY></HTML>";
    assert_eq!(
        message(503, h1_only),
        "The endpoint answered with HTTP 503: Service Unavailable & down"
    );
    let cloudflare = "<!DOCTYPE html>\n<html><head><title>example.com | 524: A timeout occurred</title><style>h1{}</style></head><body></body></html>";
    assert_eq!(
        message(524, cloudflare),
        "The endpoint answered with HTTP 524: example.com | 524: A timeout occurred"
    );
    for bare in [
        "<html><body><p>down</p></body></html>",
        "<title></title>",
        "<title>unclosed",
    ] {
        assert_eq!(
            message(502, bare),
            "The endpoint answered with HTTP 502.",
            "{bare}"
        );
    }
}

#[test]
fn a_422_is_a_bad_request() {
    assert_eq!(
        ApiError::from_http(422, r#"{"detail":"nope"}"#, None, 0.0).kind,
        ErrorKind::BadRequest
    );
}

#[test]
fn rejects_field_matches_whole_words_only() {
    let e = ApiError::from_http(
        400,
        r#"{"error":{"message":"Unrecognized request argument supplied: max_completion_tokens"}}"#,
        None,
        0.0,
    );
    assert!(e.rejects_field("max_completion_tokens"));
    assert!(!e.rejects_field("max_tokens"));
    assert!(!e.rejects_field("completion"));
    assert!(!e.rejects_field(""));
    for message in [
        "'max_tokens' is not supported",
        "\"max_tokens\": unknown field",
        "body.max_tokens: extra",
        "max_tokens.",
    ] {
        let body = serde_json::json!({ "error": { "message": message } }).to_string();
        let e = ApiError::from_http(400, &body, None, 0.0);
        assert!(e.rejects_field("max_tokens"), "{message}");
        assert!(!e.rejects_field("tokens"), "{message}");
    }
}

#[test]
fn rejects_field_only_for_a_refused_request() {
    let body = r#"{"error":{"message":"temperature is not supported"}}"#;
    assert!(ApiError::from_http(400, body, None, 0.0).rejects_field("temperature"));
    for status in [401, 404, 413, 429, 500] {
        let e = ApiError::from_http(status, body, None, 0.0);
        assert!(!e.rejects_field("temperature"), "{status}");
    }
    let too_long = r#"{"error":{"message":"max_tokens: This model's maximum context length is 8192 tokens","code":"context_length_exceeded"}}"#;
    assert!(!ApiError::from_http(400, too_long, None, 0.0).rejects_field("max_tokens"));
}

#[test]
fn an_error_with_a_param_rejects_that_field_only() {
    let body = r#"{"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}"#;
    let e = ApiError::from_http(400, body, None, 0.0);
    assert!(e.rejects_field("max_tokens"));
    assert!(!e.rejects_field("max_completion_tokens"));
}

#[test]
fn stored_errors_without_a_param_still_read_and_a_param_round_trips() {
    let old = r#"{"kind":"bad_request","message":"x","status":400}"#;
    let e: ApiError = serde_json::from_str(old).unwrap();
    assert_eq!(e.param, None);
    assert!(!serde_json::to_string(&e).unwrap().contains("param"));
    let e = ApiError::from_http(
        400,
        r#"{"error":{"message":"bad","param":"temperature"}}"#,
        None,
        0.0,
    );
    let back: ApiError = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(back, e);
    assert_eq!(back.param.as_deref(), Some("temperature"));
}

#[test]
fn every_error_shape_is_read_in_a_stream_too() {
    let read = |data: &str| {
        serde_json::from_str::<ErrorEnvelope>(data)
            .map(|e| ApiError::from_stream(e.error).message)
            .ok()
    };
    for (data, said) in [
        (r#"{"error":{"message":"boom"}}"#, "boom"),
        (
            r#"[{"error":{"code":500,"message":"boom","status":"INTERNAL"}}]"#,
            "boom",
        ),
        (r#"{"error":"boom"}"#, "boom"),
        (
            r#"{"object":"error","message":"boom","type":"InternalServerError","code":500}"#,
            "boom",
        ),
        (r#"{"detail":"boom"}"#, "boom"),
        (r#"{"message":"boom"}"#, "boom"),
        (r#""boom""#, "boom"),
        (
            r#"{"error":{}}"#,
            "The server reported an error in the middle of the reply.",
        ),
    ] {
        assert_eq!(read(data).as_deref(), Some(said), "{data}");
    }
    for reply in [
        r#"{"id":"c","choices":[{"index":0,"delta":{"content":"message"}}]}"#,
        r#"{"error":null,"choices":[{"index":0,"delta":{"content":"hi"}}]}"#,
        r#"{"message":{"role":"assistant","content":"hi"},"done":false}"#,
        r#"{"object":"chat.completion.chunk","choices":[]}"#,
        "[]",
        "42",
        "null",
    ] {
        assert_eq!(read(reply), None, "{reply}");
    }
}

#[test]
fn a_server_refusing_this_origin_is_not_retried_and_says_what_to_do() {
    let refused = ApiError::network("Ollama answered, but it does not allow this page's origin.")
        .origin_refused();
    assert!(refused.is_origin_refused());
    assert!(
        !refused.retryable(),
        "waiting does not change the server's settings"
    );
    assert!(refused.hint().contains("allow this page"));
    let back: ApiError = serde_json::from_str(&serde_json::to_string(&refused).unwrap()).unwrap();
    assert!(back.is_origin_refused());
    assert!(ApiError::network("x").retryable());
}
