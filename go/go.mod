module xtcp.dev/go

go 1.19
