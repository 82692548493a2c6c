module github.com/go-docker/go-docker/ladder

go 1.26.0
