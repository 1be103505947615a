import Mustache

/// The nginx configuration in front of `octoai`, rendered from one template:
/// `deploy/nginx.conf` is this template with production values (a test keeps
/// them equal), and `octoai run` renders it for a private, foreground nginx.
package struct NginxConfig: Sendable {
    /// `listen` argument: `80`, `127.0.0.1:8080`.
    package var listen: String
    /// Where octoai listens: `unix:/run/octoai/octo.sock` or `127.0.0.1:9000`.
    package var upstream: String
    /// More backends beside `upstream` (several octoai replicas): nginx balances
    /// across them and fails over when one stops answering.
    package var replicas: [String] = []
    /// nginx `worker_processes`.
    package var workerProcesses: String
    /// Idle upstream connections each nginx worker keeps. With `fastcgi_keep_conn on`
    /// every one of them pins a responder thread; octoai starts more threads when
    /// all are pinned (up to 8 x `--threads` per responder). Too few, and nginx opens
    /// and closes a connection for every request beyond them: at 16 concurrent
    /// requests, keeping 8 instead of 16 or 32 cost ~20% of the throughput
    /// (bench/RESULTS.md). The defaults follow ``keepalive(workerProcesses:workers:threads:)``.
    package var keepalive: Int
    /// `client_max_body_size`, equal to octoai's `--max-body-size`.
    package var maxBodySize: Int

    /// `client_body_buffer_size`: bodies up to this size stay in nginx's memory.
    /// nginx's default (16 KiB) sends anything larger to a temp file, written and
    /// read back before the request goes on: a 5 MiB upload cost nginx 10.5 ms of
    /// CPU that way and 2.4 ms in memory (bench/UPLOAD_RESULTS.md). 8 MiB covers the usual uploads
    /// (images, short audio) while a burst of larger ones costs disk, not nginx's
    /// memory: at most this much per request in flight (the Kubernetes manifest
    /// gives nginx 512 MiB, about 60 such bodies at once). Never more than the body limit.
    package var bodyBufferSize: Int { min(maxBodySize, Self.memoryBodyLimit) }
    static let memoryBodyLimit = 8 << 20
    /// Client keep-alive (`octoai run --timeout-keep-alive`).
    package var keepaliveTimeout: Int
    /// For a private foreground nginx (`octoai run`, tests): its pid file, temp
    /// directories and `daemon off`; nil for a system nginx.
    package var privatePrefix: String?
    /// How nginx speaks to octoai: `fastcgi` (`octoai fcgi`) or `scgi` (`octoai scgi`).
    package var transport: TransportKind = .fastcgi

    package init(listen: String, upstream: String, workerProcesses: String, keepalive: Int, maxBodySize: Int, keepaliveTimeout: Int = 75, privatePrefix: String? = nil) {
        self.listen = listen
        self.upstream = upstream
        self.workerProcesses = workerProcesses
        self.keepalive = keepalive
        self.maxBodySize = maxBodySize
        self.keepaliveTimeout = keepaliveTimeout
        self.privatePrefix = privatePrefix
    }

    /// The values `deploy/nginx.conf` is rendered with.
    package static let production = NginxConfig(
        listen: "80", upstream: "unix:/run/octoai/octo.sock", workerProcesses: "2",
        keepalive: keepalive(workerProcesses: 2, workers: ServeDefaults.workers, threads: ServeDefaults.threads),
        maxBodySize: ServeDefaults.maxBodySize)

    /// The `keepalive` per nginx worker for an octoai of `workers` x `threads`:
    /// `workerProcesses x keepalive = 4 x workers x threads` in all. nginx opens a
    /// connection for every request in flight and closes those it cannot keep when
    /// they end, so with fewer kept than in flight every request beyond them pays a
    /// connect, an accept and a close: at 64 in flight on 32 kept, ~10% more CPU per
    /// request (bench/RESULTS.md). Kept connections each pin a responder thread
    /// (octoai starts them beyond `threads`, up to 8 x `threads` per responder),
    /// which costs memory only: this is half of that bound.
    package static func keepalive(workerProcesses: Int, workers: Int, threads: Int) -> Int {
        max(1, 4 * workers * threads / max(1, workerProcesses))
    }


    package func render() throws -> String {
        let template = try MustacheTemplate(string: NginxConfig.template)
        var values: [String: Any] = [
            "listen": listen, "upstream": upstream, "upstreams": [upstream] + replicas, "replicated": !replicas.isEmpty, "tries": replicas.isEmpty ? 2 : min(3, 1 + replicas.count), "workerProcesses": workerProcesses, "keepalive": keepalive,
            "maxBodySize": "\(maxBodySize / 1024)k", "bodyBufferSize": "\(bodyBufferSize / 1024)k", "keepaliveTimeout": "\(keepaliveTimeout)s",
        ]
        if let privatePrefix { values["private"] = ["prefix": privatePrefix] }
        values["pass"] = transport.rawValue
        values["fastcgi"] = transport == .fastcgi
        values["scgi"] = transport == .scgi
        return template.render(values)
    }

    static let template = """
        # nginx in front of octoai ({{#fastcgi}}FastCGI{{/fastcgi}}{{#scgi}}SCGI{{/scgi}}). Generated from the template in
        # Sources/OctoFCGI/CLI/NginxConfig.swift (`octoai nginx-config`); `octoai run` renders
        # the same template for its private nginx.
        {{#private}}
        daemon off;
        pid {{{prefix}}}/nginx.pid;
        error_log stderr warn;
        {{/private}}
        {{^private}}
        user www-data;
        pid /run/nginx.pid;
        error_log /var/log/nginx/error.log warn;
        {{/private}}
        worker_processes {{{workerProcesses}}};

        events {
            worker_connections 1024;
        }

        http {
            {{#private}}
            access_log off;
            client_body_temp_path {{{prefix}}}/client_body;
            fastcgi_temp_path {{{prefix}}}/fastcgi;
            proxy_temp_path {{{prefix}}}/proxy;
            scgi_temp_path {{{prefix}}}/scgi;
            uwsgi_temp_path {{{prefix}}}/uwsgi;
            {{/private}}
            {{^private}}
            access_log /var/log/nginx/access.log;
            {{/private}}
            server_tokens off;

            # The methods octoai's routes take, for the Allow header of a 405 nginx
            # answers itself (TRACE): its built-in pages are GET and HEAD, the
            # service's endpoints POST.
            map $uri $octoai_allow {
                default "POST";
                "/" "GET, HEAD";
                "/healthcheck" "GET, HEAD";
                "/openapi.json" "GET, HEAD";
                "/docs" "GET, HEAD";
                "/metrics" "GET, HEAD";
            }

            upstream octoai {
                # The socket `octoai {{#fastcgi}}fcgi{{/fastcgi}}{{#scgi}}scgi{{/scgi}} --socket` binds. It must be connectable by
                # nginx's user: `--socket-mode 0660` with nginx in the socket's group, or 0666.
                {{#replicated}}
                # Several replicas (`octoai {{#fastcgi}}fcgi{{/fastcgi}}{{#scgi}}scgi{{/scgi}} --listen HOST:PORT` on each host; render this
                # with `octoai nginx-config --upstream HOST:PORT --replica HOST:PORT ...`).
                # A request goes to the next replica when one refuses or breaks the
                # connection (down, killed, draining: its port no longer accepts) or
                # answers 503 (loading, model owner restarting, draining, overloaded); see
                # {{{pass}}}_next_upstream below. Each of those counts as a failure: after
                # max_fails of them within fail_timeout the replica is skipped for
                # fail_timeout, then tried again with one request (which moves on if it
                # fails). Open-source nginx has no active health check: /healthcheck (200
                # only in RUNNING) is for a load balancer or Kubernetes in front; nginx
                # learns the same from the answers. If every replica is skipped at once,
                # nginx answers 502 JSON with Retry-After: 1 until fail_timeout passes, so
                # keep fail_timeout short.
                {{/replicated}}
                {{#upstreams}}
                server {{{.}}}{{#replicated}} max_fails=2 fail_timeout=2s{{/replicated}}{{^replicated}} max_fails=0{{/replicated}};
                {{/upstreams}}
                {{^replicated}}
                # The same socket again, used only to retry a request whose responder
                # died before answering (kill -9, crash): another responder takes it.
                server {{{upstream}}} backup max_fails=0;
                {{/replicated}}
                {{#fastcgi}}
                # Idle connections kept open per nginx worker: enough for the requests a
                # worker has in flight, or it opens (and closes) a connection per request
                # beyond them. With fastcgi_keep_conn each one pins a responder thread;
                # octoai starts more threads when all are pinned (up to 8 x --threads per
                # responder), so worker_processes x keepalive may be up to about
                # 4 x --workers x --threads (default 2 x 32 = 4 x 1 x 16).
                keepalive {{{keepalive}}};
                {{/fastcgi}}
                {{#scgi}}
                # No keepalive: SCGI carries one request per connection.
                {{/scgi}}
            }

            server {
                listen {{{listen}}};
                # The same limit as `octoai {{#fastcgi}}fcgi{{/fastcgi}}{{#scgi}}scgi{{/scgi}} --max-body-size`: larger bodies get 413.
                client_max_body_size {{{maxBodySize}}};
                # A body up to this size is held in memory (what its Content-Length says,
                # freed when the request ends), not written to a temp file and read back
                # before it goes to octoai; larger bodies still go to a temp file. See
                # NginxConfig.bodyBufferSize for the numbers. nginx must start with
                # MALLOC_MMAP_THRESHOLD_=262144 in its environment, or glibc keeps these
                # buffers in the workers' heap after a load (~335 MiB after 64 uploads of
                # 5 MiB), and GLIBC_TUNABLES=glibc.malloc.hugetlb=1 so they are mapped in
                # huge pages (a third of the worker's CPU per upload was page faults):
                # deploy/systemd/nginx.service.d/octoai.conf, the Kubernetes manifest's
                # nginx container and `octoai run` set both.
                client_body_buffer_size {{{bodyBufferSize}}};
                keepalive_timeout {{{keepaliveTimeout}}};
                # Request headers: a line of at most 8 KiB, all of them at most 32 KiB;
                # past that nginx answers 431 (414 for the URI) itself. octoai's own SCGI
                # header limit (64 KiB) is above this, and `--max-headers` (100) bounds
                # their number, which nginx does not.
                large_client_header_buffers 4 8k;

                # Errors nginx makes itself answer in the backend's JSON shape too.
                error_page 413 @too_large;
                error_page 502 @bad_gateway;
                error_page 504 @gateway_timeout;
                # 494 is nginx's code for headers over large_client_header_buffers.
                error_page 494 =431 @headers_too_large;
                # nginx's own 404 (its internal pages below) and 405 (TRACE).
                error_page 404 @not_found;
                error_page 405 @not_allowed;
                # Before the request line is parsed nginx cannot go to a named location.
                error_page 400 /.octoai-error/400;
                error_page 414 /.octoai-error/414;
                location @too_large {
                    default_type application/json;
                    return 413 '{"detail":"Request body too large"}';
                }
                location @headers_too_large {
                    default_type application/json;
                    return 431 '{"detail":"Request header fields too large"}';
                }
                location @not_found {
                    default_type application/json;
                    return 404 '{"detail":"Not Found"}';
                }
                location @not_allowed {
                    default_type application/json;
                    add_header Allow $octoai_allow always;
                    return 405 '{"detail":"Method Not Allowed"}';
                }
                location = /.octoai-error/400 {
                    internal;
                    default_type application/json;
                    return 400 '{"detail":"Bad Request"}';
                }
                location = /.octoai-error/414 {
                    internal;
                    default_type application/json;
                    return 414 '{"detail":"URI too long"}';
                }
                location @bad_gateway {
                    default_type application/json;
                    add_header Retry-After 1 always;
                    return 502 '{"detail":"Bad Gateway"}';
                }
                location @gateway_timeout {
                    default_type application/json;
                    return 504 '{"detail":"Gateway Timeout"}';
                }

                location / {
                    {{{pass}}}_pass octoai;
                    {{#fastcgi}}
                    # Reuse upstream connections (needs the upstream keepalive above).
                    fastcgi_keep_conn on;
                    {{/fastcgi}}
                    # Inference can be slow: allow 5 minutes without a byte from octoai.
                    # Use `--request-timeout` to bound a stuck model instead. A streamed
                    # answer (text/event-stream) sends X-Accel-Buffering: no, so nginx
                    # passes each event on as it comes; this bounds the gap between two.
                    {{{pass}}}_read_timeout 300s;
                    {{{pass}}}_send_timeout 300s;
                    {{{pass}}}_connect_timeout 5s;
                    # A request whose connection broke before any answer (a responder or
                    # replica that died) is sent once more, POST included: inference has
                    # no side effects, so running it twice beats losing it. Only within
                    # 10 s, so a slow model is never run again after a read timeout. A
                    # service with side effects should drop non_idempotent.
                    {{#replicated}}
                    # With replicas, a 503 (not RUNNING, draining, overloaded) also moves the
                    # request to the next replica, at most {{{tries}}} tries in all. Drop http_503
                    # to hand replicas' 503s to the client instead.
                    {{/replicated}}
                    {{{pass}}}_next_upstream error timeout {{#replicated}}http_503 {{/replicated}}non_idempotent;
                    {{{pass}}}_next_upstream_tries {{{tries}}};
                    {{{pass}}}_next_upstream_timeout 10s;
                    # A client that goes away makes nginx close its request's upstream
                    # connection ({{{pass}}}_ignore_client_abort off, the default): octoai
                    # then drops the request if the model has not started it.

                    {{#scgi}}
                    # nginx sends CONTENT_LENGTH itself, first, as SCGI requires.
                    scgi_param SCGI            1;
                    {{/scgi}}
                    {{{pass}}}_param REQUEST_METHOD  $request_method;
                    {{{pass}}}_param REQUEST_URI     $request_uri;
                    {{{pass}}}_param DOCUMENT_URI    $document_uri;
                    {{{pass}}}_param QUERY_STRING    $query_string;
                    {{{pass}}}_param CONTENT_TYPE    $content_type;
                    {{#fastcgi}}
                    fastcgi_param CONTENT_LENGTH  $content_length;
                    {{/fastcgi}}
                    {{{pass}}}_param SERVER_PROTOCOL $server_protocol;
                    {{{pass}}}_param REMOTE_ADDR     $remote_addr;
                    # The Host the client sent (with its port) and the scheme: a future's
                    # poll_url and response_url are absolute URLs made of them.
                    {{{pass}}}_param HTTP_HOST       $http_host;
                    {{{pass}}}_param REQUEST_SCHEME  $scheme;
                }
            }
        }

        """
}
