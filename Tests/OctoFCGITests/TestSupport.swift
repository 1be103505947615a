import Examples

typealias EchoServiceInputAlias = EchoService.Input
