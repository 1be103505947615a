"""Each endpoint's request handling, by the endpoint index the IPC frames carry.

Index 0 is ``/infer``, then the extra endpoints in the seed's order, then the
form-data endpoint: the order ``describe`` lists them in.
"""
from . import calls
from .form import FormEndpoint
from .validation import JSONInput, Refused


class Handlers:
    def __init__(self, info):
        self._service = info.service
        self._batch_hook = info.batch
        self._routes = []
        for endpoint in info.endpoints:
            encoder = calls.OutputEncoder(endpoint.output_model)
            if endpoint.form:
                self._routes.append((endpoint, None, encoder, FormEndpoint(info.service, endpoint, encoder)))
            else:
                self._routes.append((endpoint, JSONInput(endpoint.input_model), encoder, None))

    def thread_done(self):
        """Frees what the calling thread kept for form calls (its event loop)."""
        for _, _, _, form in self._routes:
            if form is not None:
                form.thread_done()

    def __len__(self):
        return len(self._routes)

    def is_stream(self, index: int) -> bool:
        return self._routes[index][0].stream

    def call(self, index: int, content_type: str, body: bytes, request_id: int, emit=None):
        """One call: ``(answer, cpu_ns)``. A stream's items go out through ``emit`` as they come."""
        endpoint, json_input, encoder, form = self._routes[index]
        if form is not None:
            return form.handle(content_type, body, request_id)
        try:
            kwargs = json_input.arguments(content_type, body)
        except Refused as refused:
            return refused.answer, 0
        if endpoint.stream:
            return calls.run_stream(endpoint.call, kwargs, encoder, request_id, emit)
        return calls.run(endpoint.call, kwargs, encoder, request_id)

    def call_batch(self, requests):
        """``/infer`` calls ``[(content_type, body, request_id), ...]`` through ``_infer_batch``; one answer each."""
        _, json_input, encoder, _ = self._routes[0]
        results = [None] * len(requests)
        valid, positions, ids = [], [], []
        for i, (content_type, body, request_id) in enumerate(requests):
            try:
                valid.append(json_input.arguments(content_type, body))
                positions.append(i)
                ids.append(request_id)
            except Refused as refused:
                results[i] = (refused.answer, 0)
        if len(valid) == 1:
            results[positions[0]] = calls.run(self._routes[0][0].call, valid[0], encoder, ids[0])
        elif valid:
            outs, share = calls.run_batch(self._batch_hook, valid, encoder, ids)
            for position, answer in zip(positions, outs):
                results[position] = (answer, share)
        return results

