module layoutmap

go 1.26.3

require (
	github.com/paulmach/orb v0.14.0
	golang.org/x/image v0.47.0
)

require (
	go.mongodb.org/mongo-driver/v2 v2.5.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
