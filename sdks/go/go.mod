module github.com/stateset/stateset-go

go 1.19
