//! The turn's rules, one fault per row: what the user would see for every way a request
//! or its streamed reply can go.

use super::*;
use crate::core::openai::error::ErrorKind;
use crate::core::openai::request::Field;
use StreamEvent::{Done, Finish, Malformed, Text};
use TurnEvent::*;

const JITTER: f64 = 0.5;

fn http(status: u16, body: &str, retry_after: Option<&str>) -> ApiError {
    ApiError::from_http(status, body, retry_after, 0.0)
}

fn status(code: u16) -> ApiError {
    http(code, r#"{"error":{"message":"x"}}"#, None)
}

fn too_long() -> ApiError {
    http(
        400,
        r#"{"error":{"message":"This model's maximum context length is 128000 tokens.","code":"context_length_exceeded"}}"#,
        None,
    )
}

fn quota() -> ApiError {
    http(
        429,
        r#"{"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}"#,
        Some("1"),
    )
}

fn sending() -> TurnEvent {
    Sending {
        prompt_tokens: 1_000,
        context_budget: 4_000,
        fields: vec![Field::StreamOptions, Field::Temperature],
    }
}

fn dropped() -> ApiError {
    ApiError::network("The connection broke while the reply was arriving.")
}

fn offline() -> ApiError {
    ApiError::unreachable("The connection broke while the reply was arriving.", false)
}

fn stream_error() -> ApiError {
    ApiError::from_stream(crate::core::openai::error::ErrorBody {
        message: Some("boom".into()),
        kind: Some("server_error".into()),
        code: None,
    })
}

/// The steps a fresh turn takes for `events`.
fn run(events: Vec<TurnEvent>) -> Vec<Step> {
    let mut turn = Turn::new(RetryPolicy::default(), 30);
    events.into_iter().map(|e| turn.on(e, JITTER)).collect()
}

/// The last step a fresh turn takes for `events`.
fn last(events: Vec<TurnEvent>) -> Step {
    run(events).pop().unwrap_or(Step::KeepGoing)
}

fn failed(error: ApiError) -> Step {
    Step::End(Ending::Failed {
        retryable: error.retryable(),
        error,
    })
}

fn retry(delay_ms: f64, attempt: u32, reason: ApiError) -> Step {
    Step::Retry(RetryWait {
        delay_ms,
        attempt,
        max: 4,
        reason,
    })
}

fn cut(reason: CutOffReason) -> Step {
    Step::End(Ending::CutOff(reason))
}

fn text(t: &str) -> TurnEvent {
    Stream(Text(t.into()))
}

fn finish(reason: &str) -> TurnEvent {
    Stream(Finish(reason.into()))
}

#[test]
fn every_fault_ends_as_the_user_should_see_it() {
    let closed_early = ApiError::closed_before_reply();
    let table: Vec<(&str, Vec<TurnEvent>, Step)> = vec![
        (
            "a normal reply",
            vec![sending(), Opened, text("Hi"), finish("stop"), Stream(Done)],
            Step::End(Ending::Complete),
        ),
        (
            "[DONE] without a finish_reason",
            vec![sending(), Opened, text("Hi"), Stream(Done)],
            Step::End(Ending::Complete),
        ),
        (
            "finish_reason, then the body ends without [DONE]",
            vec![sending(), Opened, text("Hi"), finish("stop"), BodyEnded],
            Step::End(Ending::Complete),
        ),
        // #3: a reply cut off by the output limit or the filter says so.
        (
            "finish_reason length",
            vec![
                sending(),
                Opened,
                text("Hi"),
                finish("length"),
                Stream(Done),
            ],
            cut(CutOffReason::Length),
        ),
        (
            "finish_reason content_filter",
            vec![
                sending(),
                Opened,
                text("Hi"),
                finish("content_filter"),
                Stream(Done),
            ],
            cut(CutOffReason::ContentFilter),
        ),
        (
            "finish_reason length with no text at all",
            vec![sending(), Opened, finish("length"), Stream(Done)],
            cut(CutOffReason::Length),
        ),
        // #3: a stall once the model said it was done is not a failure.
        (
            "a stall after finish_reason stop",
            vec![sending(), Opened, text("Hi"), finish("stop"), Stalled],
            Step::End(Ending::Complete),
        ),
        (
            "a stall after finish_reason length",
            vec![sending(), Opened, text("Hi"), finish("length"), Stalled],
            cut(CutOffReason::Length),
        ),
        (
            "a dropped connection after finish_reason",
            vec![
                sending(),
                Opened,
                text("Hi"),
                finish("stop"),
                BodyBroke(dropped()),
            ],
            Step::End(Ending::Complete),
        ),
        // Errors a retry cannot fix.
        (
            "401",
            vec![sending(), Refused(status(401))],
            failed(status(401)),
        ),
        (
            "403",
            vec![sending(), Refused(status(403))],
            failed(status(403)),
        ),
        (
            "404",
            vec![sending(), Refused(status(404))],
            failed(status(404)),
        ),
        (
            "400",
            vec![sending(), Refused(status(400))],
            failed(status(400)),
        ),
        (
            "insufficient_quota",
            vec![sending(), Refused(quota())],
            failed(quota()),
        ),
        // Errors worth retrying while nothing has arrived.
        (
            "429 with Retry-After: 2 waits exactly 2 s",
            vec![sending(), Refused(http(429, "{}", Some("2")))],
            retry(2_000.0, 1, http(429, "{}", Some("2"))),
        ),
        (
            "429 without Retry-After waits a jittered backoff",
            vec![sending(), Refused(status(429))],
            retry(500.0, 1, status(429)),
        ),
        (
            "500",
            vec![sending(), Refused(status(500))],
            retry(500.0, 1, status(500)),
        ),
        (
            "502",
            vec![sending(), Refused(status(502))],
            retry(500.0, 1, status(502)),
        ),
        (
            "503",
            vec![sending(), Refused(status(503))],
            retry(500.0, 1, status(503)),
        ),
        (
            "a connection dropped before the first token",
            vec![sending(), Opened, BodyBroke(dropped())],
            retry(500.0, 1, closed_early.clone()),
        ),
        (
            "a body that ends before the first token",
            vec![sending(), Opened, BodyEnded],
            retry(500.0, 1, closed_early),
        ),
        (
            "a stall before the first token (or before the headers)",
            vec![sending(), Stalled],
            retry(500.0, 1, ApiError::timeout(30)),
        ),
        (
            "an error event before the first token",
            vec![
                sending(),
                Opened,
                Stream(StreamEvent::Error(stream_error())),
            ],
            retry(500.0, 1, stream_error()),
        ),
        // Once text has arrived, a failure keeps it and is not retried.
        (
            "a connection dropped after the first token",
            vec![sending(), Opened, text("Hi"), BodyBroke(dropped())],
            failed(ApiError::connection_lost()),
        ),
        (
            "a body that ends without finish_reason or [DONE]",
            vec![sending(), Opened, text("Hi"), BodyEnded],
            failed(ApiError::connection_lost()),
        ),
        (
            "offline while the reply arrives",
            vec![sending(), Opened, text("Hi"), BodyBroke(offline())],
            failed(offline()),
        ),
        (
            "offline before the first token: not retried",
            vec![sending(), Opened, BodyBroke(offline())],
            failed(offline()),
        ),
        (
            "a stall after the first token",
            vec![sending(), Opened, text("Hi"), Stalled],
            failed(ApiError::timeout(30)),
        ),
        (
            "an error event mid-stream",
            vec![
                sending(),
                Opened,
                text("Hi"),
                Stream(StreamEvent::Error(stream_error())),
            ],
            failed(stream_error()),
        ),
        (
            "a malformed chunk is skipped",
            vec![
                sending(),
                Opened,
                text("Hi"),
                Stream(Malformed("{not json".into())),
                text("!"),
                Stream(Done),
            ],
            Step::End(Ending::Complete),
        ),
        // The user.
        (
            "Stop while streaming",
            vec![sending(), Opened, text("Hi"), Stop],
            Step::End(Ending::Stopped),
        ),
        (
            "Stop before anything arrived",
            vec![sending(), Stop],
            Step::End(Ending::Stopped),
        ),
        (
            "Stop during a retry countdown keeps the error",
            vec![sending(), Refused(status(503)), Stop],
            failed(status(503)),
        ),
        (
            "the summary call before the reply was stopped",
            vec![NotSent(ApiError::aborted())],
            Step::End(Ending::Stopped),
        ),
        (
            "over the budget before anything was sent",
            vec![NotSent(ApiError::over_budget(5_000, 4_000))],
            failed(ApiError::over_budget(5_000, 4_000)),
        ),
        // context_length_exceeded: shrink once, then explain.
        (
            "context_length_exceeded shrinks the budget",
            vec![sending(), Refused(too_long())],
            Step::Shrink {
                context_budget: 750,
            },
        ),
        (
            "context_length_exceeded twice",
            vec![
                sending(),
                Refused(too_long()),
                sending(),
                Refused(too_long()),
            ],
            failed(too_long()),
        ),
        (
            "nothing fits the smaller budget: the model's own words",
            vec![
                sending(),
                Refused(too_long()),
                NotSent(ApiError::over_budget(900, 750)),
            ],
            failed(too_long()),
        ),
    ];
    for (name, events, expected) in table {
        assert_eq!(last(events), expected, "{name}");
    }
}

#[test]
fn text_and_usage_are_passed_on_in_order() {
    let usage = Usage {
        prompt_tokens: 5,
        completion_tokens: 2,
        total_tokens: 7,
        reasoning_tokens: 0,
    };
    assert_eq!(
        run(vec![
            sending(),
            Opened,
            text("Hel"),
            text("lo"),
            Stream(Malformed("{x".into())),
            finish("stop"),
            Stream(StreamEvent::Usage(usage)),
            Stream(Done),
        ]),
        [
            Step::KeepGoing,
            Step::KeepGoing,
            Step::Append("Hel".into()),
            Step::Append("lo".into()),
            Step::Warn("{x".into()),
            Step::KeepGoing,
            Step::Record(usage),
            Step::End(Ending::Complete),
        ]
    );
}

#[test]
fn server_errors_are_retried_four_times_with_growing_waits_then_fail() {
    let mut turn = Turn::new(RetryPolicy::default(), 30);
    let mut waits = Vec::new();
    loop {
        turn.on(sending(), 0.0);
        match turn.on(Refused(status(503)), 1.0) {
            Step::Retry(wait) => waits.push((wait.attempt, wait.max, wait.delay_ms)),
            step => {
                assert_eq!(step, failed(status(503)));
                break;
            }
        }
    }
    assert_eq!(
        waits,
        [
            (1, 4, 1_000.0),
            (2, 4, 2_000.0),
            (3, 4, 4_000.0),
            (4, 4, 8_000.0)
        ]
    );
    assert!(turn.is_over());
}

#[test]
fn a_retry_that_succeeds_completes() {
    assert_eq!(
        last(vec![
            sending(),
            Refused(status(500)),
            sending(),
            Opened,
            text("Hi"),
            finish("stop"),
            Stream(Done),
        ]),
        Step::End(Ending::Complete)
    );
}

#[test]
fn each_attempt_starts_afresh() {
    // A finish_reason from a failed attempt says nothing about the next one.
    assert_eq!(
        last(vec![
            sending(),
            Opened,
            Stream(StreamEvent::Error(stream_error())),
            sending(),
            Opened,
            text("Hi"),
            Stalled,
        ]),
        failed(ApiError::timeout(30))
    );
}

#[test]
fn stopping_while_the_abort_is_on_its_way_is_still_stopped() {
    let aborted = ApiError::aborted();
    let mut turn = Turn::new(RetryPolicy::default(), 30);
    turn.on(sending(), JITTER);
    turn.on(Opened, JITTER);
    assert_eq!(turn.on(Stop, JITTER), Step::End(Ending::Stopped));
    // What the aborted fetch reports afterwards changes nothing.
    assert_eq!(
        turn.on(BodyBroke(aborted), JITTER),
        Step::End(Ending::Stopped)
    );
}

#[test]
fn endings_map_to_message_statuses() {
    assert_eq!(Ending::Complete.status(), MessageStatus::Complete);
    assert_eq!(Ending::Stopped.status(), MessageStatus::Stopped);
    assert_eq!(
        Ending::CutOff(CutOffReason::Length).status(),
        MessageStatus::CutOff {
            reason: CutOffReason::Length
        }
    );
    let error = status(500);
    assert_eq!(
        Ending::Failed {
            error: error.clone(),
            retryable: true
        }
        .status(),
        MessageStatus::Failed { error }
    );
    assert_eq!(status(401).kind, ErrorKind::Auth);
}

#[test]
fn a_connection_lost_after_the_reply_began_says_so() {
    for (name, broke) in [
        ("the connection broke", BodyBroke(dropped())),
        ("the body ended early", BodyEnded),
    ] {
        let Step::End(Ending::Failed { error, retryable }) =
            last(vec![sending(), Opened, text("Hi"), broke])
        else {
            panic!("{name}: the reply fails");
        };
        assert_eq!(
            error.message, "The connection broke while the reply was arriving.",
            "{name}"
        );
        assert_eq!(
            error.hint(),
            "The partial reply is kept: press Retry or Continue.",
            "{name}: the endpoint was reached"
        );
        assert!(retryable, "{name}");
        assert!(error.is_connection_lost(), "{name}");
        assert_eq!(error.kind, ErrorKind::Network, "readable by earlier builds");
    }
}

#[test]
fn a_body_that_breaks_off_before_any_text_is_retried_as_the_servers_doing() {
    let Step::Retry(wait) = last(vec![sending(), Opened, BodyBroke(dropped())]) else {
        panic!("retried");
    };
    assert_eq!(wait.reason.kind, ErrorKind::Server);
    assert_eq!(
        wait.reason.hint(),
        "The service had a problem: retry in a moment."
    );
}

#[test]
fn a_refused_field_is_left_out_once_then_the_refusal_stands() {
    let groq = http(
        400,
        r#"{"error":{"message":"'stream_options' : property 'stream_options' is unsupported, did you mean 'stream'?","type":"invalid_request_error"}}"#,
        None,
    );
    let steps = run(vec![
        sending(),
        Refused(groq.clone()),
        sending(),
        Refused(groq.clone()),
    ]);
    assert_eq!(steps[1], Step::Adjust(Field::StreamOptions));
    assert_eq!(steps[3], failed(groq.clone()), "asked once without it");

    let not_sent = Sending {
        prompt_tokens: 1,
        context_budget: 10,
        fields: vec![Field::MaxTokens],
    };
    assert_eq!(
        last(vec![not_sent, Refused(groq)]),
        failed(http(
            400,
            r#"{"error":{"message":"'stream_options' : property 'stream_options' is unsupported, did you mean 'stream'?","type":"invalid_request_error"}}"#,
            None
        )),
        "a field not sent is not the cause"
    );
}

#[test]
fn thinking_streams_apart_and_counts_as_arrived() {
    let steps = run(vec![
        sending(),
        Opened,
        Stream(StreamEvent::Thinking("hmm".into())),
        BodyBroke(dropped()),
    ]);
    assert_eq!(steps[2], Step::Think("hmm".into()));
    assert_eq!(
        steps[3],
        failed(ApiError::connection_lost()),
        "kept, not retried"
    );
}
